package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.CairnHome;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (here TERM, which runs the same shutdown hooks) during {@code cairn pipeline run}: the run
 * is recorded as cancelled and its step's processes stop, rather than being left running.
 */
class PipelineInterruptIT {
  @TempDir Path dir;

  @Test
  void aSignalledRun_isCancelledAndItsProcessesStop() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("app/.cairn")).getParent();
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "steps:\n  - name: wait\n    run: {command: [sh, -c, 'echo waiting; exec sleep 271']}\n");
    Path err = dir.resolve("err.txt");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of("..", "cairn").toAbsolutePath().normalize().toString(),
                "pipeline",
                "run",
                repo.toString())
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(err.toFile());
    pb.environment().put("CAIRN_HOME", dir.resolve("home").toString());
    Process cairn = pb.start();
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .until(() -> Files.exists(err) && Files.readString(err).contains("waiting"));
      List<ProcessHandle> sleeps = sleeps(cairn);
      assertThat(sleeps).isNotEmpty();
      ProcessHandle java =
          cairn
              .descendants()
              .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
              .findFirst()
              .orElse(cairn.toHandle());
      java.destroy(); // SIGTERM, as a terminal's Ctrl-C gives SIGINT: both run the hooks
      assertThat(cairn.waitFor(2, TimeUnit.MINUTES)).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sleeps.stream().noneMatch(ProcessHandle::isAlive));
      try (RunStore store = Pipelines.fileStore(CairnHome.of(dir.resolve("home")))) {
        List<RunRecord> runs = Pipelines.runs(store);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).state()).as(Files.readString(err)).isEqualTo(RunState.CANCELLED);
      }
    } finally {
      cairn.descendants().forEach(ProcessHandle::destroyForcibly);
      cairn.destroyForcibly();
    }
  }

  private static List<ProcessHandle> sleeps(Process p) {
    return p.descendants()
        .filter(h -> h.info().commandLine().map(c -> c.contains("sleep 271")).orElse(false))
        .toList();
  }
}
