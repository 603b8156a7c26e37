package dev.cairn.pipeline.internal;

import java.util.Collection;

/**
 * Globs over branch names and paths: {@code *} any run of characters but {@code /}, {@code **} any
 * run of characters, {@code ?} one character but {@code /}; everything else matches itself.
 */
public final class Glob {
  private Glob() {}

  public static boolean anyMatches(Collection<String> globs, String text) {
    for (String g : globs) {
      if (matches(g, text)) {
        return true;
      }
    }
    return false;
  }

  public static boolean matches(String glob, String text) {
    return match(glob, 0, text, 0);
  }

  private static boolean match(String g, int gi, String t, int ti) {
    while (gi < g.length()) {
      char c = g.charAt(gi);
      if (c == '*') {
        boolean deep = gi + 1 < g.length() && g.charAt(gi + 1) == '*';
        int next = gi + (deep ? 2 : 1);
        // "**/" also matches no directory at all
        if (deep && next < g.length() && g.charAt(next) == '/' && match(g, next + 1, t, ti)) {
          return true;
        }
        for (int k = ti; k <= t.length(); k++) {
          if (match(g, next, t, k)) {
            return true;
          }
          if (k < t.length() && !deep && t.charAt(k) == '/') {
            return false;
          }
        }
        return false;
      }
      if (ti >= t.length()) {
        return false;
      }
      if (c == '?' ? t.charAt(ti) == '/' : c != t.charAt(ti)) {
        return false;
      }
      gi++;
      ti++;
    }
    return ti == t.length();
  }
}
