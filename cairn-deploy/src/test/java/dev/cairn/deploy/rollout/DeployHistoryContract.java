package dev.cairn.deploy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeployHistory} must do: the file history here and the server's database
 * histories run these same tests. {@link #open()} opens the same underlying history each time.
 */
public abstract class DeployHistoryContract {
  protected abstract DeployHistory open() throws Exception;

  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  public static Revision revision(int rev, Revision.Outcome outcome) {
    return new Revision(
        rev,
        rev == 3 ? "rollback" : "deploy",
        rev == 3 ? null : "c".repeat(40),
        List.of("127.0.0.1:5000/shop@sha256:" + Integer.toString(rev).repeat(64).substring(0, 64)),
        T.plusSeconds(rev),
        "ops-alice",
        "passed: artifact verified; cluster certified",
        outcome,
        outcome == Revision.Outcome.ROLLED_BACK ? "readiness deadline exceeded" : null,
        rev == 3 ? 1 : null);
  }

  static List<Map<String, Object>> manifests(String name) {
    return List.of(
        Map.of(
            "apiVersion",
            "apps/v1",
            "kind",
            "Deployment",
            "metadata",
            Map.of("name", name, "namespace", "prod"),
            "spec",
            Map.of("replicas", 2L)));
  }

  @Test
  void neverDeployedTarget_hasNoRevisionsAndNoPin() throws Exception {
    DeployHistory h = open();
    assertThat(h.revisions("shop")).isEmpty();
    assertThat(h.pin("shop")).isEmpty();
    assertThatThrownBy(() -> h.manifests("shop", 1)).isInstanceOf(IOException.class);
  }

  @Test
  void revisions_areKeptOldestFirst_withTheirManifests_acrossAReopen() throws Exception {
    DeployHistory h = open();
    h.record("shop", revision(2, Revision.Outcome.APPLYING), manifests("two"));
    h.record("shop", revision(1, Revision.Outcome.DEPLOYED), manifests("one"));
    h.record("shop", revision(3, Revision.Outcome.DEPLOYED), null);
    h.record("other", revision(1, Revision.Outcome.FAILED), manifests("o"));
    DeployHistory again = open();
    assertThat(again.revisions("shop"))
        .containsExactly(
            revision(1, Revision.Outcome.DEPLOYED),
            revision(2, Revision.Outcome.APPLYING),
            revision(3, Revision.Outcome.DEPLOYED));
    assertThat(again.manifests("shop", 2)).isEqualTo(manifests("two"));
    assertThat(again.manifests("shop", 1)).isEqualTo(manifests("one"));
    assertThat(again.revisions("other")).hasSize(1);
    assertThatThrownBy(() -> again.manifests("shop", 3))
        .as("a rollback records no manifests of its own")
        .isInstanceOf(IOException.class);
  }

  @Test
  void recordingARevisionAgain_replacesIt_andKeepsItsManifests() throws Exception {
    DeployHistory h = open();
    h.record("shop", revision(1, Revision.Outcome.APPLYING), manifests("one"));
    h.record("shop", revision(1, Revision.Outcome.ROLLED_BACK), null);
    assertThat(open().revisions("shop")).containsExactly(revision(1, Revision.Outcome.ROLLED_BACK));
    assertThat(open().manifests("shop", 1)).isEqualTo(manifests("one"));
    h.record("shop", revision(1, Revision.Outcome.DEPLOYED), manifests("again"));
    assertThat(open().manifests("shop", 1)).isEqualTo(manifests("again"));
  }

  @Test
  void pin_isSetReplacedAndRemoved() throws Exception {
    DeployHistory h = open();
    h.setPin("shop", new Pin(1, "ops-alice", T));
    assertThat(open().pin("shop")).contains(new Pin(1, "ops-alice", T));
    h.setPin("shop", new Pin(2, "ops-bob", T.plusSeconds(5)));
    assertThat(open().pin("shop")).contains(new Pin(2, "ops-bob", T.plusSeconds(5)));
    assertThat(open().pin("other")).isEmpty();
    h.setPin("shop", null);
    assertThat(open().pin("shop")).isEmpty();
    h.setPin("shop", null);
  }

  @Test
  void badTargetNames_areRefused() throws Exception {
    DeployHistory h = open();
    assertThatThrownBy(() -> h.revisions("../etc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.setPin("a/b", null)).isInstanceOf(IllegalArgumentException.class);
  }
}
