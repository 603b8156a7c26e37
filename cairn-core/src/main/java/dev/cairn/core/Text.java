package dev.cairn.core;

/**
 * Text from files, clusters and certificates made safe to show on a terminal. An object named with
 * an escape sequence such as ESC [8m would otherwise hide what follows it; a name with a newline
 * would forge a line of output.
 */
public final class Text {
  private Text() {}

  /**
   * {@code text} with every control character (C0 and C1, DEL), every line or paragraph separator
   * and every bidirectional override written as an escape ({@code \e}, {@code \n}, {@code \x7f},
   * four-digit {@code \\u} escapes). The result is for people to read, not to be parsed back. Text
   * without such characters is returned as it is.
   */
  public static String escape(String text) {
    int i = 0;
    while (i < text.length() && !unsafe(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!unsafe(c)) {
        sb.append(c);
        continue;
      }
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\u001b' -> sb.append("\\e");
        default -> {
          if (c < 0x100) {
            sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
          } else {
            sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          }
        }
      }
    }
    return sb.toString();
  }

  /** {@code "1 object"}, {@code "3 objects"}: a count with its noun, plural by adding "s". */
  public static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** Whether {@code text} has a character that {@link #escape} writes as an escape. */
  public static boolean needsEscape(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (unsafe(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c';
  }

  /** {@code cannot use /proc/x.json: no such file or directory}, and the like. */
  public static String describe(java.io.IOException e) {
    if (e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null) {
      return "cannot use "
          + fs.getFile()
          + (fs.getOtherFile() == null ? "" : " (or " + fs.getOtherFile() + ")")
          + ": "
          + reason(e);
    }
    return "input/output error: " + e.getMessage();
  }

  /** Why a file operation failed, in words: {@code no such file or directory}. */
  public static String reason(java.io.IOException e) {
    if (e instanceof java.nio.file.FileSystemException fs) {
      return switch (fs) {
        case java.nio.file.NoSuchFileException n -> "no such file or directory";
        case java.nio.file.AccessDeniedException a -> "permission denied";
        case java.nio.file.FileAlreadyExistsException a -> "it already exists";
        case java.nio.file.NotDirectoryException d -> "not a directory";
        case java.nio.file.DirectoryNotEmptyException d -> "directory not empty";
        default -> fs.getReason() == null ? "input/output error" : fs.getReason();
      };
    }
    return String.valueOf(e.getMessage());
  }
}
