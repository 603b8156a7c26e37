package dev.cairn.supplychain.vuln.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The orders taken from libraries: Maven's ComparableVersion, semver4j for npm and Go. */
class OrdersTest {
  private static void ascending(VersionOrder o, List<String> vs) {
    for (int i = 0; i + 1 < vs.size(); i++) {
      assertThat(o.compare(vs.get(i), vs.get(i + 1)))
          .as(vs.get(i) + " < " + vs.get(i + 1))
          .isNegative();
      assertThat(o.compare(vs.get(i + 1), vs.get(i))).isPositive();
    }
  }

  @Test
  void maven_ordersQualifiersAsMavenDoes() {
    ascending(
        MavenOrder.ORDER,
        List.of(
            "1.0-alpha-1",
            "1.0-beta-2",
            "1.0-milestone-1",
            "1.0-rc-1",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp",
            "1.0.1",
            "1.10",
            "2.14.1",
            "2.15.0",
            "2.17.0"));
    assertThat(MavenOrder.ORDER.compare("1.0", "1.0.0")).isZero();
    assertThat(MavenOrder.ORDER.compare("1.0-ga", "1.0")).isZero();
    assertThat(MavenOrder.ORDER.compare("2.13.4.2", "2.13.4")).isPositive();
  }

  /** SemVer 2.0.0's own precedence example (item 11). */
  @Test
  void npm_followsSemverPrecedence() {
    ascending(
        SemverOrder.NPM,
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1"));
    assertThat(SemverOrder.NPM.compare("1.0.0+build.1", "1.0.0+build.2")).isZero();
    assertThat(SemverOrder.NPM.compare("v1.2.3", "1.2.3")).isZero();
    assertThatThrownBy(() -> SemverOrder.NPM.compare("1.2", "1.2.0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void go_ordersPseudoVersionsAndIgnoresIncompatible() {
    ascending(
        SemverOrder.GO,
        List.of(
            "v0.0.0-20190101000000-abcdefabcdef",
            "v0.0.0-20210101000000-abcdefabcdef",
            "v0.1.0",
            "v1.9.0",
            "v1.9.1",
            "v1.10.0-rc.1",
            "v1.10.0"));
    assertThat(SemverOrder.GO.compare("v2.0.0+incompatible", "2.0.0")).isZero();
    assertThat(SemverOrder.GO.compare("v1.2.4-0.20200101000000-abcdefabcdef", "v1.2.3"))
        .isPositive();
  }

  @Test
  void ecosystems_pickTheirOrder() {
    assertThat(VersionOrder.forEcosystem("Debian:12")).containsSame(DpkgVersion.ORDER);
    assertThat(VersionOrder.forEcosystem("Alpine:v3.20")).containsSame(ApkVersion.ORDER);
    assertThat(VersionOrder.forEcosystem("Maven")).containsSame(MavenOrder.ORDER);
    assertThat(VersionOrder.forEcosystem("npm")).containsSame(SemverOrder.NPM);
    assertThat(VersionOrder.forEcosystem("PyPI")).containsSame(Pep440.ORDER);
    assertThat(VersionOrder.forEcosystem("Go")).containsSame(SemverOrder.GO);
    assertThat(VersionOrder.forEcosystem("crates.io")).isEmpty();
  }
}
