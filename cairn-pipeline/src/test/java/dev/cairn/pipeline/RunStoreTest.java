package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
  @TempDir Path dir;

  static RunRecord draft(String commit, String delivery) throws Exception {
    PipelineDefinition d =
        Pipelines.parse(
            "p",
            "steps:\n  - name: a\n    run: {command: [true]}\n  - name: b\n    run: {command: [true]}\n");
    return RunRecord.queued(
        RunRequest.of(
            "file:///r",
            commit,
            "refs/heads/main",
            new Trigger("github", delivery, "alice", commit, "refs/heads/main"),
            d),
        Instant.parse("2026-12-01T10:00:00Z"));
  }

  @Test
  void orphanedRun_isMarkedInterrupted_withItsFinishedStepsKept_leasedOnesAreLeftAlone()
      throws Exception {
    try (RunStore store = Pipelines.fileStore(dir)) {
      RunStore.Created c = store.create(draft("aaaaaaa", "d1"), "steps: []\n");
      RunRecord r = c.record();
      Instant t = Instant.parse("2026-12-01T10:00:01Z");
      List<StepRecord> steps = new ArrayList<>(r.steps());
      steps.set(
          0,
          steps
              .get(0)
              .started(t, 1)
              .finished(StepState.SUCCEEDED, t, 0, "exited with 0", java.util.Map.of()));
      steps.set(1, steps.get(1).started(t, 1));
      RunRecord running = r.next(RunState.RUNNING, t, null, steps, "", null);
      store.update(running);
      RunStore.Created held = store.create(draft("bbbbbbb", "d2"), "steps: []\n");
      // the first engine dies: its lease goes
      c.lease().close();
      List<RunRecord> recovered = store.interruptOrphans(Instant.parse("2026-12-01T10:05:00Z"));
      assertThat(recovered).extracting(RunRecord::id).containsExactly(r.id());
      RunRecord i = store.get(r.id()).orElseThrow();
      assertThat(i.state()).isEqualTo(RunState.INTERRUPTED);
      assertThat(i.steps())
          .extracting(StepRecord::state)
          .containsExactly(StepState.SUCCEEDED, StepState.INTERRUPTED);
      assertThat(i.steps().get(0).message()).isEqualTo("exited with 0");
      assertThat(i.message()).startsWith("interrupted: the engine running it stopped");
      assertThat(i.revision()).isEqualTo(running.revision() + 1);
      assertThat(store.get(held.record().id()).orElseThrow().state()).isEqualTo(RunState.QUEUED);
      held.lease().close();
    }
  }

  @Test
  void unfinishedCreation_isRemovedOnOpen_idsAreNeverReused() throws Exception {
    String first;
    try (RunStore store = Pipelines.fileStore(dir)) {
      RunStore.Created c = store.create(draft("aaaaaaa", "d1"), "x");
      c.lease().close();
      first = c.record().id();
    }
    // a crash after the directory was made, before run.json
    Files.createDirectories(dir.resolve("2/logs"));
    Files.writeString(dir.resolve("1/.run.json123.tmp"), "{half");
    try (RunStore store = Pipelines.fileStore(dir)) {
      assertThat(dir.resolve("2")).doesNotExist();
      assertThat(dir.resolve("1/.run.json123.tmp")).doesNotExist();
      store.delete(first);
      RunStore.Created c = store.create(draft("ccccccc", "d3"), "x");
      c.lease().close();
      assertThat(c.record().id()).isEqualTo("2");
    }
  }

  @Test
  void damagedRecord_failsWithWhereItIs_andBadIdsAreRefused() throws Exception {
    try (RunStore store = Pipelines.fileStore(dir)) {
      store.create(draft("aaaaaaa", "d1"), "x").lease().close();
      Files.writeString(dir.resolve("1/run.json"), "{\"format\": 1}");
      assertThatThrownBy(() -> store.get("1"))
          .hasMessageStartingWith("the record of run 1 in " + dir + " is damaged");
      assertThatThrownBy(() -> store.get("../x")).hasMessageContaining("run ids are numbers");
      assertThatThrownBy(() -> store.readLog("1", "../../etc/passwd", 0, 10))
          .hasMessageContaining("not a step log name");
    }
  }
}
