package dev.cairn.scanner.internal;

/** Shell-style globs: {@code *} any run, {@code ?} one character; everything else literal. */
public final class Glob {
  private Glob() {}

  public static boolean matches(String glob, String s) {
    return match(glob, 0, s, 0);
  }

  private static boolean match(String g, int gi, String s, int si) {
    while (gi < g.length()) {
      char c = g.charAt(gi);
      if (c == '*') {
        while (gi < g.length() && g.charAt(gi) == '*') {
          gi++;
        }
        if (gi == g.length()) {
          return true;
        }
        for (int k = si; k <= s.length(); k++) {
          if (match(g, gi, s, k)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
        return false;
      }
      gi++;
      si++;
    }
    return si == s.length();
  }
}
