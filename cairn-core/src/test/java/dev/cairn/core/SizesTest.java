package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void parse_unitsAndPlainNumbers() {
    assertThat(Sizes.parse("64MiB")).hasValue(64L << 20);
    assertThat(Sizes.parse("64m")).hasValue(64L << 20);
    assertThat(Sizes.parse("1 GiB")).hasValue(1L << 30);
    assertThat(Sizes.parse("512k")).hasValue(512L << 10);
    assertThat(Sizes.parse("4096")).hasValue(4096);
  }

  @Test
  void parse_rejectsWhatIsNoPositiveSize() {
    for (String bad :
        new String[] {"", "0", "-3", "1.5M", "MiB", "12 parsecs", "99999999999999G"}) {
      assertThat(Sizes.parse(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void format_exactWhereItCanBe() {
    assertThat(Sizes.format(128L << 20)).isEqualTo("128 MiB");
    assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
    assertThat(Sizes.format(300)).isEqualTo("300 bytes");
    assertThat(Sizes.format(1L << 30)).isEqualTo("1 GiB");
  }
}
