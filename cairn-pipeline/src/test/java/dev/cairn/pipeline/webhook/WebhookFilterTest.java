package dev.cairn.pipeline.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookFilterTest {
  static Trigger push(String ref, List<String> paths, boolean complete) {
    return new Trigger(
        SourceKind.GITHUB,
        "d-1",
        new Trigger.Repository("app", "team/app", "https://example.org/team/app.git"),
        ref,
        Hooks.SHA_A,
        Hooks.ZERO,
        "alice",
        paths,
        complete,
        Instant.EPOCH);
  }

  @Test
  void branchGlobs_selectBranches_andExcludesWin() {
    WebhookFilter f =
        new WebhookFilter(List.of("main", "release/**", "!release/old/**"), List.of(), List.of());
    assertThat(f.rejects(push("refs/heads/main", List.of(), false))).isEmpty();
    assertThat(f.rejects(push("refs/heads/release/1.2/fix", List.of(), false))).isEmpty();
    assertThat(f.rejects(push("refs/heads/release/old/1.0", List.of(), false)))
        .hasValueSatisfying(r -> assertThat(r).contains("branch 'release/old/1.0'"));
    assertThat(f.rejects(push("refs/heads/wip", List.of(), false)))
        .hasValue(
            "branch 'wip' is not selected by the branch filter [main, release/**, !release/old/**]");
  }

  @Test
  void tagGlobs_selectTags_andBranchGlobsDoNotApplyToTags() {
    WebhookFilter f = new WebhookFilter(List.of("main"), List.of("v*"), List.of("src/**"));
    assertThat(f.rejects(push("refs/tags/v1.0.0", List.of(), false))).isEmpty();
    assertThat(f.rejects(push("refs/tags/nightly", List.of(), false)))
        .hasValueSatisfying(r -> assertThat(r).startsWith("tag 'nightly'"));
  }

  @Test
  void onlyExcludes_meansEverythingElse_andBangStarStarMeansNone() {
    WebhookFilter f = new WebhookFilter(List.of("!gh-pages"), List.of("!**"), List.of());
    assertThat(f.rejects(push("refs/heads/feature/x", List.of(), false))).isEmpty();
    assertThat(f.rejects(push("refs/heads/gh-pages", List.of(), false))).isPresent();
    assertThat(f.rejects(push("refs/tags/v1", List.of(), false))).isPresent();
  }

  @Test
  void pathGlobs_needOneChangedPath_unlessTheListIsIncomplete() {
    WebhookFilter f = new WebhookFilter(List.of(), List.of(), List.of("src/**", "!**/*.md"));
    assertThat(f.rejects(push("refs/heads/main", List.of("docs/a.md", "src/Main.java"), true)))
        .isEmpty();
    assertThat(f.rejects(push("refs/heads/main", List.of("src/README.md", "docs/x"), true)))
        .hasValue("none of the 2 changed paths is selected by the path filter [src/**, !**/*.md]");
    assertThat(f.rejects(push("refs/heads/main", List.of("docs/x"), false)))
        .as("the forge did not list every path: better run once too often")
        .isEmpty();
  }

  @Test
  void any_passesEverything() {
    assertThat(WebhookFilter.ANY.rejects(push("refs/heads/x/y", List.of("a"), true))).isEmpty();
    assertThat(WebhookFilter.ANY.rejects(push("refs/tags/t", List.of(), true))).isEmpty();
  }

  @Test
  void emptyGlob_isRefusedAtConstruction() {
    assertThatThrownBy(() -> new WebhookFilter(List.of("!"), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty glob");
  }
}
