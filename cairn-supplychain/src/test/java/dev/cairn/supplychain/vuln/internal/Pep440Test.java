package dev.cairn.supplychain.vuln.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PEP 440 with the specification's own examples. */
class Pep440Test {
  /** The specification's "Summary of permitted suffixes and relative ordering" example. */
  @Test
  void spec_orderingExample() {
    List<String> ordered =
        List.of(
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1");
    for (int i = 0; i < ordered.size(); i++) {
      for (int j = 0; j < ordered.size(); j++) {
        assertThat(Integer.signum(Pep440.ORDER.compare(ordered.get(i), ordered.get(j))))
            .as(ordered.get(i) + " vs " + ordered.get(j))
            .isEqualTo(Integer.signum(Integer.compare(i, j)));
      }
    }
  }

  /** The specification's normalisation section, example by example. */
  @ParameterizedTest
  @CsvSource({
    "1.0, 1.0",
    "1.1RC1, 1.1rc1",
    "1.1.a1, 1.1a1",
    "1.1-a1, 1.1a1",
    "1.1_a1, 1.1a1",
    "1.0alpha1, 1.0a1",
    "1.0beta2, 1.0b2",
    "1.0c1, 1.0rc1",
    "1.0pre1, 1.0rc1",
    "1.0preview1, 1.0rc1",
    "1.1a, 1.1a0",
    "1.2.post, 1.2.post0",
    "1.2-post2, 1.2.post2",
    "1.2post2, 1.2.post2",
    "1.2_post2, 1.2.post2",
    "1.2.post.2, 1.2.post2",
    "1.0-r4, 1.0.post4",
    "1.0-rev4, 1.0.post4",
    "1.0-1, 1.0.post1",
    "1.2.dev, 1.2.dev0",
    "1.2-dev2, 1.2.dev2",
    "1.2dev2, 1.2.dev2",
    "1.0+ubuntu-1, 1.0+ubuntu.1",
    "1.0+ubuntu_1, 1.0+ubuntu.1",
    "v1.0, 1.0",
    "1.01, 1.1",
    "0!1.0, 1.0",
    "1!1.0, 1!1.0",
    "' 1.0 ', 1.0"
  })
  void spec_normalisation(String given, String normal) {
    assertThat(Pep440.parse(given).normalized()).isEqualTo(normal);
    assertThat(Pep440.ORDER.compare(given, normal)).isZero();
  }

  @Test
  void trailingZeros_doNotCount_andEpochsOrderFirst() {
    assertThat(Pep440.ORDER.compare("1.0", "1.0.0")).isZero();
    assertThat(Pep440.parse("1.0")).isEqualTo(Pep440.parse("1.0.0"));
    assertThat(Pep440.parse("1.0").hashCode()).isEqualTo(Pep440.parse("1.0.0").hashCode());
    assertThat(Pep440.ORDER.compare("1!0.1", "2.0")).isPositive();
    assertThat(Pep440.ORDER.compare("3.2.19", "3.2.2")).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "french toast", "1.0+", "1.0++1", "1..0", "a1.0"})
  void notVersions_areRefused(String v) {
    assertThatThrownBy(() -> Pep440.parse(v)).isInstanceOf(IllegalArgumentException.class);
  }
}
