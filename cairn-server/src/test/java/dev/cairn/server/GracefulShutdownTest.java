package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop records the runs it cuts short as interrupted, never as lost or as cancelled by a person;
 * the next start resumes each once, as a new run whose trigger names the one it resumes.
 */
class GracefulShutdownTest {
  @TempDir Path dir;

  @Test
  void stop_marksTheRunningRunInterrupted_andTheNextStartResumesItOnce() throws Exception {
    Path gate = dir.resolve("gate");
    try (ServerFixture f = new ServerFixture(dir)) {
      Path p =
          f.project(
              "slow",
              "echo started; while [ ! -f '" + gate + "' ]; do sleep 0.1; done; echo finished");
      RunRecord r = f.submit(p);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> f.server.engine().run(r.id()).orElseThrow().state() == RunState.RUNNING);

      f.server.close();
      f.server = f.start(b -> {});
      RunRecord after = f.server.engine().run(r.id()).orElseThrow();
      assertThat(after.state()).isEqualTo(RunState.INTERRUPTED);
      assertThat(after.message()).isEqualTo(CairnServer.STOPPED);

      assertThat(f.server.resumed()).hasSize(1);
      String resumedId = f.server.resumed().get(0).split(" ")[1];
      RunRecord resumed = f.server.engine().run(resumedId).orElseThrow();
      assertThat(resumed.trigger().deliveryId()).isEqualTo(CairnServer.RESUME + r.id());
      assertThat(resumed.repository()).isEqualTo(after.repository());
      Files.writeString(gate, "");
      RunRecord done = f.awaitFinished(resumedId);
      assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);

      // a third start finds the resumption and does not run the interrupted run again
      f.restart();
      assertThat(f.server.resumed()).isEmpty();
      assertThat(f.runs()).extracting(RunRecord::id).containsExactlyInAnyOrder(r.id(), resumedId);
    }
  }
}
