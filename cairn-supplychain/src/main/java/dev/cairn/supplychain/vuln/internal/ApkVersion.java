package dev.cairn.supplychain.vuln.internal;

/**
 * Alpine package versions, {@code digit{.digit}…{letter}{_suffix{number}}…{~hash}{-rN}}, compared
 * as apk-tools compares them: token by token — numbers numerically (but as strings when either has
 * a leading zero, as Gentoo does), one letter, suffixes {@code _alpha _beta _pre _rc} before the
 * release and {@code _cvs _svn _git _hg _p} after it, a commit hash, the package revision {@code
 * -rN}. When one version ends where the other goes on, the longer is later unless it goes on with a
 * pre-release suffix. A version that breaks the grammar compares up to where it breaks, as apk's
 * does; {@link #valid} says whether it does.
 */
public final class ApkVersion {
  static final VersionOrder ORDER =
      new VersionOrder() {
        @Override
        public int compare(String a, String b) {
          return ApkVersion.compare(a, b);
        }

        @Override
        public boolean valid(String v) {
          return ApkVersion.valid(v);
        }
      };

  // token kinds in the order the grammar allows them
  private static final int INITIAL_DIGIT = 0;
  private static final int DIGIT = 1;
  private static final int LETTER = 2;
  private static final int SUFFIX = 3;
  private static final int SUFFIX_NO = 4;
  private static final int COMMIT_HASH = 5;
  private static final int REVISION_NO = 6;
  private static final int END = 7;
  private static final int INVALID = 8;

  /** Suffixes by rank; those before {@code NONE} (index 5) sort before the plain release. */
  private static final String[] SUFFIXES = {
    "", "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"
  };

  private static final int SUFFIX_NONE = 5;

  private ApkVersion() {}

  /** The scanner's state: the current token and where the text goes on. */
  private static final class Tokens {
    final String s;
    int pos;
    int token;
    int suffix;
    long number;
    String value = "";

    Tokens(String s) {
      this.s = s;
      token = INITIAL_DIGIT;
      digits();
    }

    private void digits() {
      int start = pos;
      long n = 0;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        n = n > Long.MAX_VALUE / 10 - 10 ? Long.MAX_VALUE : n * 10 + (s.charAt(pos) - '0');
        pos++;
      }
      number = n;
      value = s.substring(start, pos);
      if (value.isEmpty()) {
        token = INVALID;
      }
    }

    void next() {
      if (pos >= s.length()) {
        token = END;
        return;
      }
      char c = s.charAt(pos);
      if (c >= 'a' && c <= 'z') {
        if (token > DIGIT) {
          token = INVALID;
          return;
        }
        value = String.valueOf(c);
        token = LETTER;
        pos++;
      } else if (c == '.' || (c >= '0' && c <= '9')) {
        if (c == '.') {
          if (token > DIGIT) {
            token = INVALID;
            return;
          }
          pos++;
        }
        if (token == INITIAL_DIGIT || token == DIGIT) {
          token = DIGIT;
        } else if (token == SUFFIX) {
          token = SUFFIX_NO;
        } else {
          token = INVALID;
          return;
        }
        digits();
      } else if (c == '_') {
        if (token > SUFFIX_NO) {
          token = INVALID;
          return;
        }
        pos++;
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
          pos++;
        }
        value = s.substring(start, pos);
        suffix = suffixRank(value);
        token = suffix == 0 ? INVALID : SUFFIX;
      } else if (c == '~') {
        if (token >= COMMIT_HASH) {
          token = INVALID;
          return;
        }
        pos++;
        int start = pos;
        while (pos < s.length() && hex(s.charAt(pos))) {
          pos++;
        }
        value = s.substring(start, pos);
        token = value.isEmpty() ? INVALID : COMMIT_HASH;
      } else if (c == '-') {
        if (token >= REVISION_NO || !s.startsWith("-r", pos)) {
          token = INVALID;
          return;
        }
        pos += 2;
        token = REVISION_NO;
        digits();
      } else {
        token = INVALID;
      }
    }
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int suffixRank(String v) {
    for (int i = 1; i < SUFFIXES.length; i++) {
      if (i != SUFFIX_NONE && SUFFIXES[i].equals(v)) {
        return i;
      }
    }
    return 0;
  }

  /** Whether {@code v} follows apk's version grammar. */
  public static boolean valid(String v) {
    Tokens t = new Tokens(v);
    while (t.token < END) {
      t.next();
    }
    return t.token == END;
  }

  /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
  public static int compare(String a, String b) {
    return compare(a, b, false);
  }

  /**
   * As {@link #compare(String, String)}; {@code fuzzy} makes {@code a} equal to {@code b} when
   * {@code b} is a prefix of it ({@code 3.6.9 ~ 3.6}).
   */
  public static int compare(String a, String b, boolean fuzzy) {
    Tokens ta = new Tokens(a.strip());
    Tokens tb = new Tokens(b.strip());
    while (ta.token == tb.token && ta.token < END) {
      int r = tokenCompare(ta, tb);
      if (r != 0) {
        return r;
      }
      ta.next();
      tb.next();
    }
    if (ta.token == tb.token) {
      return 0;
    }
    if (tb.token == END && fuzzy) {
      return 0;
    }
    if (ta.token == SUFFIX && ta.suffix < SUFFIX_NONE) {
      return -1;
    }
    if (tb.token == SUFFIX && tb.suffix < SUFFIX_NONE) {
      return 1;
    }
    return ta.token > tb.token ? -1 : 1;
  }

  private static int tokenCompare(Tokens a, Tokens b) {
    switch (a.token) {
      case DIGIT:
        if (a.value.startsWith("0") || b.value.startsWith("0")) {
          return Integer.signum(sort(a.value, b.value));
        }
        return Long.compareUnsigned(a.number, b.number);
      case INITIAL_DIGIT:
      case SUFFIX_NO:
      case REVISION_NO:
        return Long.compareUnsigned(a.number, b.number);
      case LETTER:
        return Character.compare(a.value.charAt(0), b.value.charAt(0));
      case SUFFIX:
        return Integer.compare(a.suffix, b.suffix);
      default:
        return Integer.signum(sort(a.value, b.value));
    }
  }

  /** Bytes compared over the shorter length, then the shorter first. */
  private static int sort(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return a.charAt(i) - b.charAt(i);
      }
    }
    return a.length() - b.length();
  }
}
