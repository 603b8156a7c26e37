package dev.cairn.pipeline.webhook.internal;

import java.util.regex.Pattern;

/**
 * Globs as GitHub Actions' branch and path filters have them: {@code *} matches any characters but
 * {@code /}, {@code **} any characters including {@code /} ({@code **}{@code /} also matches
 * nothing, so {@code **}{@code /*.md} matches {@code README.md}), {@code ?} one character but
 * {@code /}; everything else stands for itself. A glob matches the whole name.
 */
public final class Glob {
  private Glob() {}

  /**
   * Compiles {@code glob}.
   *
   * @throws IllegalArgumentException when it is empty
   */
  public static Pattern compile(String glob) {
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("an empty glob matches nothing: remove it");
    }
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          if (i + 2 < glob.length() && glob.charAt(i + 2) == '/') {
            re.append("(?:.*/)?");
            i += 3;
          } else {
            re.append(".*");
            i += 2;
          }
        } else {
          re.append("[^/]*");
          i++;
        }
      } else if (c == '?') {
        re.append("[^/]");
        i++;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    return Pattern.compile(re.toString());
  }
}
