package dev.cairn.supplychain.vuln.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * The order of versions in one ecosystem. {@link #compare} throws {@link IllegalArgumentException}
 * for a string that is not a version of the ecosystem, so that a range that cannot be evaluated is
 * reported, not silently taken as "not affected".
 */
public interface VersionOrder {
  /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
  int compare(String a, String b);

  /** Whether {@code v} is a version this order can compare. */
  default boolean valid(String v) {
    try {
      compare(v, v);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The order of an OSV ecosystem ({@code Debian:12}, {@code Alpine:v3.20}, {@code Maven}, {@code
   * npm}, {@code PyPI}, {@code Go}); empty for one Cairn does not know.
   */
  static Optional<VersionOrder> forEcosystem(String ecosystem) {
    String base = Ecosystems.base(ecosystem).toLowerCase(Locale.ROOT);
    return Optional.ofNullable(
        switch (base) {
          case "debian", "ubuntu" -> DpkgVersion.ORDER;
          case "alpine" -> ApkVersion.ORDER;
          case "maven" -> MavenOrder.ORDER;
          case "npm" -> SemverOrder.NPM;
          case "go" -> SemverOrder.GO;
          case "pypi" -> Pep440.ORDER;
          default -> null;
        });
  }
}
