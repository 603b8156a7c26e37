package dev.cairn.supplychain.vuln.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's order against the vectors of dpkg's own test suite ({@code lib/dpkg/t/t-version.c}: its
 * compare, relate and parse cases) and Debian Policy 5.6.12's {@code ~} examples.
 */
class DpkgVersionTest {
  private static int cmp(String a, String b) {
    return Integer.signum(DpkgVersion.ORDER.compare(a, b));
  }

  /** t-version.c test_version_compare / test_version_relate, written as version strings. */
  @ParameterizedTest
  @CsvSource({
    // a, b, sign of compare(a, b)
    "1:0, 2:0, -1",
    "0:1-1, 0:2-1, -1",
    "0:1-1, 0:1-2, -1",
    "0:0-0, 0:0-0, 0",
    "0:0-00, 0:00-0, 0",
    "1:2-3, 1:2-3, 0",
    "0:0-0, 1:0-0, -1",
    "1:0-0, 0:0-0, 1",
    "0:0a-0, 0:0b-0, -1",
    "0:0b-0, 0:0a-0, 1",
    "0:0-a, 0:0-b, -1",
    "0:0-b, 0:0-a, 1",
    "0:1-1, 0:1-1, 0",
    "0:2-1, 0:1-1, 1",
  })
  void dpkgTestSuite_compare(String a, String b, int sign) {
    assertThat(cmp(a, b)).as(a + " vs " + b).isEqualTo(sign);
  }

  /** t-version.c test_version_parse: what each string parses to (compared equal to it). */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0|0:0-",
        "0:0|0",
        "0:0-|0",
        "0:0-0|0:0-0",
        "0:0.0-0.0|0:0.0-0.0",
        "1:0|1:0",
        "5:1|5:1",
        "0:0-0-0|0:0-0-0",
        "0:0-0-0-0|0:0-0-0-0",
        "0:0:0-0|0:0:0-0",
        "0:0:0:0-0|0:0:0:0-0",
        "0:0:0-0-0|0:0:0-0-0",
        "0:0-0:0-0|0:0-0:0-0",
        "0:09azAZ.-+~:-0|0:09azAZ.-+~:-0",
        "0:0-azAZ09.+~|0:0-azAZ09.+~",
        "'  \t0:0-1'|0:0-1",
        "'0:0-1\t  '|0:0-1",
        "'\t  0:0-1  \t'|0:0-1"
      })
  void dpkgTestSuite_parse(String text, String same) {
    DpkgVersion v = DpkgVersion.parse(text);
    assertThat(v.compareTo(DpkgVersion.parse(same))).isZero();
  }

  @Test
  void dpkgTestSuite_parsedParts() {
    assertThat(DpkgVersion.parse("0:0-0-0")).isEqualTo(new DpkgVersion(0, "0-0", "0"));
    assertThat(DpkgVersion.parse("0:0:0:0-0")).isEqualTo(new DpkgVersion(0, "0:0:0", "0"));
    assertThat(DpkgVersion.parse("0:0-0:0-0")).isEqualTo(new DpkgVersion(0, "0-0:0", "0"));
    assertThat(DpkgVersion.parse("0:09azAZ.-+~:-0"))
        .isEqualTo(new DpkgVersion(0, "09azAZ.-+~:", "0"));
    assertThat(DpkgVersion.parse("5:1")).isEqualTo(new DpkgVersion(5, "1", ""));
  }

  /** t-version.c's invalid versions: each is refused. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  ",
        "0:",
        "0:0 0-1",
        "-1:0-1",
        "999999999999999999999999:0-1",
        "a:0-0",
        "A:0-0",
        "-0",
        "0:-0",
        "0:abc3-0",
        "0:0-0:0",
        "0:0!-0",
        "0:0#-0",
        "0:0@-0",
        "0:0$-0",
        "0:0%-0",
        "0:0&-0",
        "0:0/-0",
        "0:0|-0",
        "0:0\\-0",
        "0:0<-0",
        "0:0>-0",
        "0:0(-0",
        "0:0)-0",
        "0:0[-0",
        "0:0]-0",
        "0:0{-0",
        "0:0}-0",
        "0:0;-0",
        "0:0,-0",
        "0:0_-0",
        "0:0=-0",
        "0:0*-0",
        "0:0^-0",
        "0:0'-0",
        "0:0-0!",
        "0:0-0#",
        "0:0-0@",
        "0:0-0_",
        "0:0-0=",
        "0:0-0*",
        "0:0-0:"
      })
  void dpkgTestSuite_invalid(String text) {
    assertThatThrownBy(() -> DpkgVersion.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Debian Policy 5.6.12: ~ sorts before anything, even the end of the part. */
  @Test
  void policy_tildeSortsBeforeEverything() {
    String[] ordered = {"1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"};
    for (int i = 0; i + 1 < ordered.length; i++) {
      assertThat(cmp(ordered[i], ordered[i + 1])).as(ordered[i]).isEqualTo(-1);
      assertThat(cmp(ordered[i + 1], ordered[i])).isEqualTo(1);
    }
    assertThat(cmp("3.0.11-1~deb12u2", "3.0.11-1")).isEqualTo(-1);
    assertThat(cmp("3.0.11-1~deb12u2", "3.0.11-1~deb12u3")).isEqualTo(-1);
    assertThat(cmp("1.2.3+dfsg-1", "1.2.3-1")).isEqualTo(1);
    assertThat(cmp("2:1.0", "1:9.9")).isEqualTo(1);
    assertThat(cmp("1.10", "1.9")).isEqualTo(1);
    assertThat(cmp("1.01", "1.1")).isZero();
  }
}
