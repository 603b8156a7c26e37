package dev.cairn.supplychain.vuln.internal;

/**
 * Debian package versions, {@code [epoch:]upstream[-revision]}, compared by the algorithm of Debian
 * Policy 5.6.12: epochs numerically, then upstream and revision each by alternating runs of
 * non-digits (letters before non-letters, {@code ~} before everything, even the end) and digits
 * (numerically).
 *
 * @param epoch the epoch, 0 when absent
 * @param upstream the upstream version
 * @param revision the Debian revision, empty when absent
 */
public record DpkgVersion(long epoch, String upstream, String revision)
    implements Comparable<DpkgVersion> {
  static final VersionOrder ORDER = (a, b) -> parse(a).compareTo(parse(b));

  /**
   * Parses a version as dpkg does: surrounding white space is ignored; the epoch is what comes
   * before the first colon, the revision what comes after the last hyphen.
   *
   * @throws IllegalArgumentException for an empty version, a bad epoch, an empty upstream part or a
   *     character dpkg does not allow
   */
  public static DpkgVersion parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("an empty Debian version");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        throw new IllegalArgumentException("a Debian version has no blanks: '" + text + "'");
      }
    }
    long epoch = 0;
    int colon = s.indexOf(':');
    String rest = s;
    if (colon >= 0) {
      String e = s.substring(0, colon);
      if (e.isEmpty() || e.length() > 9 || !e.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "the epoch of Debian version '" + text + "' is not a small number");
      }
      epoch = Long.parseLong(e);
      rest = s.substring(colon + 1);
    }
    String upstream = rest;
    String revision = "";
    int hyphen = rest.lastIndexOf('-');
    if (hyphen >= 0) {
      upstream = rest.substring(0, hyphen);
      revision = rest.substring(hyphen + 1);
    }
    if (upstream.isEmpty()) {
      throw new IllegalArgumentException("Debian version '" + text + "' has no upstream part");
    }
    if (!Character.isDigit(upstream.charAt(0))) {
      throw new IllegalArgumentException(
          "the upstream part of Debian version '" + text + "' does not start with a digit");
    }
    for (int i = 0; i < upstream.length(); i++) {
      char c = upstream.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && ".-+~:".indexOf(c) < 0) {
        throw new IllegalArgumentException(
            "Debian version '" + text + "' has '" + c + "' in its upstream part");
      }
    }
    for (int i = 0; i < revision.length(); i++) {
      char c = revision.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && ".+~".indexOf(c) < 0) {
        throw new IllegalArgumentException(
            "Debian version '" + text + "' has '" + c + "' in its revision");
      }
    }
    return new DpkgVersion(epoch, upstream, revision);
  }

  @Override
  public int compareTo(DpkgVersion o) {
    if (epoch != o.epoch) {
      return Long.compare(epoch, o.epoch);
    }
    int c = compareParts(upstream, o.upstream);
    return c != 0 ? c : compareParts(revision, o.revision);
  }

  /** The weight of a character in a non-digit run: {@code ~} lowest, the end, letters, others. */
  private static int weight(String s, int i) {
    if (i >= s.length()) {
      return 0;
    }
    char c = s.charAt(i);
    if (Character.isDigit(c)) {
      return 0;
    }
    if (c < 128 && Character.isLetter(c)) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  private static boolean digit(String s, int i) {
    return i < s.length() && Character.isDigit(s.charAt(i));
  }

  static int compareParts(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while ((i < a.length() && !digit(a, i)) || (j < b.length() && !digit(b, j))) {
        int wa = weight(a, i);
        int wb = weight(b, j);
        if (wa != wb) {
          return Integer.compare(wa, wb);
        }
        i++;
        j++;
      }
      while (i < a.length() && a.charAt(i) == '0') {
        i++;
      }
      while (j < b.length() && b.charAt(j) == '0') {
        j++;
      }
      int firstDiff = 0;
      while (digit(a, i) && digit(b, j)) {
        if (firstDiff == 0) {
          firstDiff = a.charAt(i) - b.charAt(j);
        }
        i++;
        j++;
      }
      if (digit(a, i)) {
        return 1;
      }
      if (digit(b, j)) {
        return -1;
      }
      if (firstDiff != 0) {
        return Integer.signum(firstDiff);
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return (epoch == 0 ? "" : epoch + ":") + upstream + (revision.isEmpty() ? "" : "-" + revision);
  }
}
