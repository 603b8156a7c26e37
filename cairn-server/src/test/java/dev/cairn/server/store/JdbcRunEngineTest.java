package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunLogs;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.StepState;
import dev.cairn.pipeline.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's own engine, running real processes, on the database run store. */
class JdbcRunEngineTest {
  @TempDir Path dir;
  Opened db;

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  @Test
  void engine_runsPipelinesOnTheDatabaseStore_logsAndFailuresIncluded() throws Exception {
    db = Opened.h2(dir);
    RunStore store = db.closeLater(Stores.runs(db.database()));
    try (RunEngine e =
        Pipelines.engine(store)
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .pollInterval(Duration.ofMillis(20))
            .start()) {
      PipelineDefinition d =
          Pipelines.parse(
              ".cairn/pipeline.yaml",
              "steps:\n  - name: one\n    run: {command: [sh, -c, \"echo hello; echo again\"]}\n"
                  + "  - name: two\n    run: {command: [sh, -c, \"echo broken; exit 3\"]}\n");
      RunEngine.Submission s =
          e.submit(
              RunRequest.of(
                  "file:///repo/app",
                  "abcdef1",
                  "refs/heads/main",
                  new Trigger("github", "d-1", "alice", "abcdef1", "refs/heads/main"),
                  d));
      RunRecord r = e.await(s.run().id(), Duration.ofMinutes(2));
      assertThat(r.state()).isEqualTo(RunState.FAILED);
      assertThat(r.steps().get(0).state()).isEqualTo(StepState.SUCCEEDED);
      assertThat(r.steps().get(1).exitCode()).isEqualTo(3);
      assertThat(r.failure()).isNotNull();
      assertThat(RunLogs.text(store, r.id())).contains("hello\nagain\n").contains("broken\n");
      assertThat(
              e.submit(
                      RunRequest.of(
                          "file:///repo/app",
                          "abcdef1",
                          "refs/heads/main",
                          new Trigger("github", "d-1", "alice", "abcdef1", "refs/heads/main"),
                          d))
                  .duplicate())
          .as("the same delivery again")
          .isTrue();
    }
    try (RunStore again = Stores.runs(db.database())) {
      assertThat(again.list()).extracting(RunRecord::state).containsExactly(RunState.FAILED);
    }
  }
}
