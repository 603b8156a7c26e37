package dev.cairn.pipeline.webhook.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GlobTest {
  static boolean m(String glob, String name) {
    return Glob.compile(glob).matcher(name).matches();
  }

  @Test
  void star_stopsAtSlash_doubleStarDoesNot() {
    assertThat(m("release/*", "release/1.0")).isTrue();
    assertThat(m("release/*", "release/1.0/hotfix")).isFalse();
    assertThat(m("release/**", "release/1.0/hotfix")).isTrue();
    assertThat(m("*", "main")).isTrue();
    assertThat(m("*", "feature/x")).isFalse();
    assertThat(m("**", "feature/x")).isTrue();
  }

  @Test
  void doubleStarSlash_alsoMatchesNoDirectory() {
    assertThat(m("**/*.md", "README.md")).isTrue();
    assertThat(m("**/*.md", "docs/a/b.md")).isTrue();
    assertThat(m("**/*.md", "docs/a/b.mdx")).isFalse();
    assertThat(m("src/**/Main.java", "src/Main.java")).isTrue();
    assertThat(m("src/**/Main.java", "src/a/b/Main.java")).isTrue();
  }

  @Test
  void questionMark_isOneCharacter_andRegexCharactersAreLiteral() {
    assertThat(m("v?", "v1")).isTrue();
    assertThat(m("v?", "v10")).isFalse();
    assertThat(m("v1.0", "v1x0")).isFalse();
    assertThat(m("v1.0", "v1.0")).isTrue();
    assertThat(m("a+(b)", "a+(b)")).isTrue();
  }

  @Test
  void emptyGlob_isRefused() {
    assertThatThrownBy(() -> Glob.compile("")).hasMessageContaining("empty glob");
  }
}
