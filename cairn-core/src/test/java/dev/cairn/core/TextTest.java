package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void escape_plainText_isUnchanged() {
    String s = "Deployment shop/web-1 · ünïcode ✓ (tab-free)";
    assertThat(Text.escape(s)).isSameAs(s);
    assertThat(Text.needsEscape(s)).isFalse();
  }

  @Test
  void escape_terminalControls_areWrittenAsEscapes() {
    assertThat(Text.escape("web\u001b[8mhidden\u001b[0m")).isEqualTo("web\\e[8mhidden\\e[0m");
    assertThat(Text.escape("a\nFORGED LINE\r\tb")).isEqualTo("a\\nFORGED LINE\\r\\tb");
    assertThat(Text.escape("bell\u0007 nul\u0000 del\u007f csi\u009b"))
        .isEqualTo("bell\\x07 nul\\x00 del\\x7f csi\\x9b");
    assertThat(Text.needsEscape("x\u009by")).isTrue();
  }

  @Test
  void escape_bidiOverridesAndLineSeparators_areWrittenAsEscapes() {
    assertThat(Text.escape("abc\u202edcba\u2066x\u2069\u2028"))
        .isEqualTo("abc\\u202edcba\\u2066x\\u2069\\u2028");
  }

  @Test
  void diagnostic_quotingANewlineOrAnEscape_staysOneLine() {
    Diagnostic d =
        new Diagnostic(
            new SourceLocation("p.yaml", 7, 5),
            "unknown kind 'a\nb\u001b[8m'",
            "\tkind: \"a\\nb\u001b\"");

    assertThat(d.oneLine()).isEqualTo("p.yaml:7:5: unknown kind 'a\\nb\\e[8m'");
    assertThat(d.render())
        .isEqualTo("p.yaml:7:5: unknown kind 'a\\nb\\e[8m'\n\tkind: \"a\\nb\\e\"\n\t   ^");
  }
}
