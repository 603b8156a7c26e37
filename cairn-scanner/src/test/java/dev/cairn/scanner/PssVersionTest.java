package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PssVersionTest {
  @Test
  void parse_acceptsLatestAndV1N_asPodSecurityAdmissionDoes() {
    assertThat(PssVersion.parse("latest")).contains(PssVersion.LATEST);
    assertThat(PssVersion.LATEST).hasToString("v1.37");
    assertThat(PssVersion.parse("v1.29")).contains(new PssVersion(29));
    assertThat(PssVersion.parse("1.29")).contains(new PssVersion(29));
    assertThat(PssVersion.parse("v1.0")).contains(new PssVersion(0));
    assertThat(PssVersion.parse(" v1.37 ")).contains(PssVersion.LATEST);
  }

  @Test
  void parse_rejectsMalformedAndNewerThanCairnKnows() {
    for (String bad :
        new String[] {"", "v2.1", "v1.", "v1.x", "v1.029", "v1.38", "v1.1000", "Latest", "1"}) {
      assertThat(PssVersion.parse(bad)).as(bad).isEmpty();
    }
    assertThatThrownBy(() -> new PssVersion(38)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PssVersion(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void includes_olderAndSameVersions() {
    PssVersion v135 = new PssVersion(35);
    assertThat(v135.includes(new PssVersion(34))).isTrue();
    assertThat(v135.includes(v135)).isTrue();
    assertThat(v135.includes(new PssVersion(36))).isFalse();
    assertThat(new PssVersion(8).compareTo(new PssVersion(10))).isNegative();
  }
}
