package dev.cairn.supplychain.vuln.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Python package version as PEP 440 defines it: parsed with the specification's permissive
 * grammar (its appendix regular expression), normalised as it says, and ordered by epoch, release
 * (trailing zeros ignored), pre-release, post-release, development release and local label.
 */
public final class Pep440 implements Comparable<Pep440> {
  static final VersionOrder ORDER = (a, b) -> parse(a).compareTo(parse(b));

  private static final Pattern VERSION =
      Pattern.compile(
          "v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
              + "(?<pre>[-_.]?(?<prel>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?<pren>[0-9]+)?)?"
              + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?))?"
              + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?)"
              + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?",
          Pattern.CASE_INSENSITIVE);

  private final BigInteger epoch;
  private final List<BigInteger> release;
  private final @Nullable String preLabel;
  private final @Nullable BigInteger pre;
  private final @Nullable BigInteger post;
  private final @Nullable BigInteger dev;
  private final List<String> local;

  private Pep440(
      BigInteger epoch,
      List<BigInteger> release,
      @Nullable String preLabel,
      @Nullable BigInteger pre,
      @Nullable BigInteger post,
      @Nullable BigInteger dev,
      List<String> local) {
    this.epoch = epoch;
    this.release = release;
    this.preLabel = preLabel;
    this.pre = pre;
    this.post = post;
    this.dev = dev;
    this.local = local;
  }

  /**
   * Parses a version.
   *
   * @throws IllegalArgumentException when it is not a PEP 440 version
   */
  public static Pep440 parse(String text) {
    Matcher m = VERSION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a PEP 440 version: '" + text + "'");
    }
    BigInteger epoch =
        m.group("epoch") == null ? BigInteger.ZERO : new BigInteger(m.group("epoch"));
    List<BigInteger> release = new ArrayList<>();
    for (String p : m.group("release").split("\\.")) {
      release.add(new BigInteger(p));
    }
    String preLabel = null;
    BigInteger pre = null;
    if (m.group("prel") != null) {
      preLabel =
          switch (m.group("prel").toLowerCase(Locale.ROOT)) {
            case "a", "alpha" -> "a";
            case "b", "beta" -> "b";
            default -> "rc";
          };
      pre = number(m.group("pren"));
    }
    BigInteger post = null;
    if (m.group("postn1") != null) {
      post = new BigInteger(m.group("postn1"));
    } else if (m.group("postl") != null) {
      post = number(m.group("postn2"));
    }
    BigInteger dev = m.group("devl") == null ? null : number(m.group("devn"));
    List<String> local = new ArrayList<>();
    if (m.group("local") != null) {
      for (String p : m.group("local").toLowerCase(Locale.ROOT).split("[-_.]")) {
        local.add(p.chars().allMatch(Character::isDigit) ? new BigInteger(p).toString() : p);
      }
    }
    return new Pep440(epoch, List.copyOf(release), preLabel, pre, post, dev, List.copyOf(local));
  }

  private static BigInteger number(@Nullable String s) {
    return s == null ? BigInteger.ZERO : new BigInteger(s);
  }

  /** The normalised form, e.g. {@code 1.0.post0} for {@code 1.0-post} and {@code 1.1rc1}. */
  public String normalized() {
    StringBuilder b = new StringBuilder();
    if (epoch.signum() != 0) {
      b.append(epoch).append('!');
    }
    for (int i = 0; i < release.size(); i++) {
      b.append(i == 0 ? "" : ".").append(release.get(i));
    }
    if (preLabel != null) {
      b.append(preLabel).append(pre);
    }
    if (post != null) {
      b.append(".post").append(post);
    }
    if (dev != null) {
      b.append(".dev").append(dev);
    }
    if (!local.isEmpty()) {
      b.append('+').append(String.join(".", local));
    }
    return b.toString();
  }

  @Override
  public int compareTo(Pep440 o) {
    int c = epoch.compareTo(o.epoch);
    if (c != 0) {
      return c;
    }
    c = compareRelease(release, o.release);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(preRank(), o.preRank());
    if (c != 0) {
      return c;
    }
    if (preLabel != null && o.preLabel != null) {
      c = preLabel.compareTo(o.preLabel); // a < b < rc
      if (c != 0) {
        return c;
      }
      c = java.util.Objects.requireNonNull(pre).compareTo(java.util.Objects.requireNonNull(o.pre));
      if (c != 0) {
        return c;
      }
    }
    c = compareMissingLow(post, o.post);
    if (c != 0) {
      return c;
    }
    // no dev part sorts after every dev part
    c = compareMissingHigh(dev, o.dev);
    if (c != 0) {
      return c;
    }
    return compareLocal(local, o.local);
  }

  /**
   * Where the pre-release part puts a version among its release's versions: a development release
   * with no pre- or post-release part before every pre-release (0), a pre-release (1), no
   * pre-release (2).
   */
  private int preRank() {
    if (preLabel == null && post == null && dev != null) {
      return 0;
    }
    return preLabel != null ? 1 : 2;
  }

  private static int compareRelease(List<BigInteger> a, List<BigInteger> b) {
    int n = Math.max(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
      BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
      int c = x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int compareMissingLow(@Nullable BigInteger a, @Nullable BigInteger b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return a.compareTo(b);
  }

  private static int compareMissingHigh(@Nullable BigInteger a, @Nullable BigInteger b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return a.compareTo(b);
  }

  /** Local labels segment by segment: numbers above words, numbers numerically; longer later. */
  private static int compareLocal(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean nx = x.chars().allMatch(Character::isDigit);
      boolean ny = y.chars().allMatch(Character::isDigit);
      int c;
      if (nx && ny) {
        c = new BigInteger(x).compareTo(new BigInteger(y));
      } else if (nx != ny) {
        c = nx ? 1 : -1;
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Pep440 p && compareTo(p) == 0;
  }

  @Override
  public int hashCode() {
    List<BigInteger> r = new ArrayList<>(release);
    while (r.size() > 1 && r.get(r.size() - 1).signum() == 0) {
      r.remove(r.size() - 1);
    }
    return java.util.Objects.hash(epoch, r, preLabel, pre, post, dev, local);
  }

  @Override
  public String toString() {
    return normalized();
  }
}
