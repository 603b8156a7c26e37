package dev.cairn.scanner;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version of the Pod Security Standards, named as pod-security-admission names them: {@code
 * v1.N}, the Kubernetes release whose rules apply, or {@code latest}. Every PSS version is a 1.x
 * release, so the version is its minor number; CEL checks see it as {@code pssVersion} (an int, 37
 * for {@code v1.37}) and a check labelled {@code pss-since: v1.N} applies from that version on
 * (docs/adr/0010-pss-versions.md).
 *
 * @param minor the minor version, 0 to {@link #LATEST_MINOR}
 */
public record PssVersion(int minor) implements Comparable<PssVersion> {
  /** The newest PSS version Cairn's built-in checks implement. */
  public static final int LATEST_MINOR = 37;

  /** {@code v1.37}: what {@code latest} means in this version of Cairn. */
  public static final PssVersion LATEST = new PssVersion(LATEST_MINOR);

  private static final Pattern FORM = Pattern.compile("v?1\\.(0|[1-9][0-9]{0,3})");

  public PssVersion {
    if (minor < 0 || minor > LATEST_MINOR) {
      throw new IllegalArgumentException(
          "PSS version v1." + minor + " is not between v1.0 and v1." + LATEST_MINOR);
    }
  }

  /**
   * {@code latest}, {@code v1.N} or {@code 1.N} (N at most {@link #LATEST_MINOR}); empty for
   * anything else, including a version newer than Cairn knows: its rules are not implemented, so a
   * scan cannot claim them.
   */
  public static Optional<PssVersion> parse(String s) {
    String t = s.strip();
    if (t.equals("latest")) {
      return Optional.of(LATEST);
    }
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      return Optional.empty();
    }
    int minor = Integer.parseInt(m.group(1));
    return minor <= LATEST_MINOR ? Optional.of(new PssVersion(minor)) : Optional.empty();
  }

  /** True when the rules of {@code other} are part of this version (it is the same or older). */
  public boolean includes(PssVersion other) {
    return other.minor <= minor;
  }

  @Override
  public int compareTo(PssVersion o) {
    return Integer.compare(minor, o.minor);
  }

  /** {@code v1.N}. */
  @Override
  public String toString() {
    return "v1." + minor;
  }
}
