package dev.cairn.supplychain.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CVSS scores against the specifications' and FIRST's reference calculator's known answers. */
class CvssTest {
  /** CVSS v3.1 Specification Document / Examples: the worked vulnerabilities and their scores. */
  @ParameterizedTest
  @CsvSource({
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N, 6.1", // CVE-2013-1937 phpMyAdmin XSS
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N, 6.4", // CVE-2013-0375 MySQL
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N, 7.5", // CVE-2014-0160 Heartbleed
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, 9.8", // CVE-2014-6271 Shellshock
    "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H, 7.8", // CVE-2015-1098 Apple iWork
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H, 9.9", // CVE-2012-1516 VMware guest-to-host
    "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L, 4.2", // CVE-2009-0783 Tomcat
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H, 8.8", // CVE-2012-0384 Cisco IOS
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H, 8.8", // CVE-2015-0970 SearchBlox CSRF
    "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, 6.8", // CVE-2014-2005 Sophos Disk Encryption
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N, 5.8", // CVE-2010-0467 Joomla directory traversal
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N, 5.8", // CVE-2012-1342 Cisco ACL bypass
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N, 0.0",
    "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, 9.8"
  })
  void v31_specExamples(String vector, double score) {
    assertThat(Cvss.score(vector).score()).isEqualTo(score);
  }

  @Test
  void v31_roundUp_asTheAppendixSays() {
    assertThat(Cvss.roundUp(4.02)).isEqualTo(4.1);
    assertThat(Cvss.roundUp(4.0)).isEqualTo(4.0);
    assertThat(Cvss.roundUp(4.000001)).isEqualTo(4.0);
    assertThat(Cvss.roundUp(7.520000000000001)).isEqualTo(7.6);
  }

  /**
   * CVSS v4.0 vectors and scores from FIRST's reference calculator's test data
   * (RedHatProductSecurity/cvss-v4-calculator, data/vectors_supplemental4, vectors_security4,
   * vectors_threat4), copied as data.
   */
  @Test
  void v40_referenceCalculatorVectors() throws IOException {
    List<String[]> cases = new ArrayList<>();
    for (String file : List.of("/vuln/cvss4-supplemental.txt", "/vuln/cvss4-security.txt")) {
      try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(file))) {
        for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          String[] p = l.strip().split(" - ");
          if (p.length == 2) {
            cases.add(p);
          }
        }
      }
    }
    assertThat(cases).hasSizeGreaterThan(600);
    List<String> wrong = new ArrayList<>();
    for (String[] c : cases) {
      double got = Cvss.score(c[0]).score();
      if (got != Double.parseDouble(c[1])) {
        wrong.add(c[0] + " gave " + got + ", the calculator " + c[1]);
      }
    }
    assertThat(wrong).isEmpty();
  }

  /** The specification document's and the calculator's own examples. */
  @ParameterizedTest
  @CsvSource({
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H, 10.0",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 9.3",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A, 8.7",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N, 0.0",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N, 8.7"
  })
  void v40_examples(String vector, double score) {
    assertThat(Cvss.score(vector).score()).isEqualTo(score);
  }

  @Test
  void ratings_followTheQualitativeScale() {
    assertThat(Cvss.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").severity())
        .isEqualTo(Severity.CRITICAL);
    assertThat(Severity.ofScore(0.0)).isEqualTo(Severity.NONE);
    assertThat(Severity.ofScore(0.1)).isEqualTo(Severity.LOW);
    assertThat(Severity.ofScore(3.9)).isEqualTo(Severity.LOW);
    assertThat(Severity.ofScore(4.0)).isEqualTo(Severity.MEDIUM);
    assertThat(Severity.ofScore(6.9)).isEqualTo(Severity.MEDIUM);
    assertThat(Severity.ofScore(7.0)).isEqualTo(Severity.HIGH);
    assertThat(Severity.ofScore(8.9)).isEqualTo(Severity.HIGH);
    assertThat(Severity.ofScore(9.0)).isEqualTo(Severity.CRITICAL);
    assertThat(Severity.parse("moderate")).contains(Severity.MEDIUM);
    assertThat(Severity.parse("HIGH")).contains(Severity.HIGH);
    assertThat(Severity.parse("unimportant")).contains(Severity.NONE);
    assertThat(Severity.parse("whatever")).isEmpty();
  }

  @Test
  void badVectors_areRefusedByName() {
    assertThatThrownBy(() -> Cvss.score("AV:N/AC:L"))
        .hasMessageContaining("not a CVSS v3 or v4 vector");
    assertThatThrownBy(() -> Cvss.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"))
        .hasMessageContaining("lacks base metric A");
    assertThatThrownBy(() -> Cvss.score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
        .hasMessageContaining("AV cannot be 'X'");
    assertThatThrownBy(
            () ->
                Cvss.score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/AV:L"))
        .hasMessageContaining("twice");
  }
}
