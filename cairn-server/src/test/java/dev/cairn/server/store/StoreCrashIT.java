package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.RunStore;
import dev.cairn.testing.Postgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM writing runs, logs, certificates and scans at random points, many
 * times, on embedded H2 and on PostgreSQL, and checks after each kill that every record the child
 * reported committed is there, every record is whole (no half-written run or certificate), runs
 * reported done are as they were reported, and unfinished runs are recovered as interrupted.
 */
class StoreCrashIT {
  @RegisterExtension static final Postgres PG = Postgres.shared();
  @TempDir Path dir;

  @Test
  void killedMidWrite_onH2_everyRecordIsWholeAndNoneAcknowledgedIsLost() throws Exception {
    crash("jdbc:h2:file:" + dir.resolve("cairn").toAbsolutePath(), 8);
  }

  @Test
  void killedMidWrite_onPostgres_everyRecordIsWholeAndNoneAcknowledgedIsLost() throws Exception {
    crash(PG.newDatabase(), 5);
  }

  private void crash(String url, int kills) throws Exception {
    Random random = new Random(21);
    Set<String> ackedRuns = new HashSet<>();
    Set<String> doneRuns = new HashSet<>();
    Set<String> ackedCerts = new HashSet<>();
    int interrupted = 0;
    for (int round = 0; round < kills; round++) {
      // the last round stalls inside a run: on a fast machine the random kills may all land
      // between runs, and recovery of an unfinished run must be exercised every time
      boolean stall = round == kills - 1;
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  StoreCrashChild.class.getName(),
                  url,
                  "r" + round,
                  stall ? "stall" : "go")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      int want = stall ? 2 : 3 + random.nextInt(15);
      int got = 0;
      String stalled = null;
      String line;
      while (got < want && (line = out.readLine()) != null) {
        String[] p = line.split(" ");
        switch (p[0]) {
          case "run" -> ackedRuns.add(p[1]);
          case "done" -> doneRuns.add(p[1]);
          case "cert" -> ackedCerts.add(p[1]);
          case "running" -> stalled = p[1];
          default -> throw new AssertionError("unexpected line from the child: " + line);
        }
        got++;
      }
      // not a wait for anything: the kill lands 0-30 ms later, wherever the child is then
      java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(30) * 1_000_000L);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

      try (Storage s = Storage.open(Database.open(url), Clock.systemUTC())) {
        RunStore runs = s.runs();
        interrupted += runs.interruptOrphans(Instant.now()).size();
        List<RunRecord> all = runs.list();
        Set<String> ids = new HashSet<>();
        for (RunRecord r : all) {
          ids.add(r.id());
          assertThat(r.state().finished()).as("run %s after recovery", r.id()).isTrue();
          if (r.state() == RunState.SUCCEEDED) {
            String log =
                new String(runs.readLog(r.id(), "00-a.log", 0, 1 << 20), StandardCharsets.UTF_8);
            assertThat(log).isEqualTo(("step-a " + r.id() + "\n").repeat(50));
          }
        }
        assertThat(ids).as("acknowledged runs").containsAll(ackedRuns);
        if (stall) {
          assertThat(stalled).as("the stalled child said which run it stopped in").isNotNull();
          assertThat(runs.get(stalled).orElseThrow().state()).isEqualTo(RunState.INTERRUPTED);
        }
        for (String d : doneRuns) {
          assertThat(runs.get(d).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
        }
        for (String c : ackedCerts) {
          assertThat(s.certificates().get(c)).as("certificate %s", c).isPresent();
        }
        for (String cluster : clusters(round)) {
          for (CertificateStore.StoredCertificate c : s.certificates().forCluster(cluster)) {
            Map<String, Object> body = Json.parseObject(c.certificateJson());
            assertThat(Digest.sha256((String) body.get("payload")).hex())
                .as("certificate %s is whole", c.id())
                .isEqualTo(body.get("sha256"));
          }
        }
      }
    }
    assertThat(ackedRuns.size()).isGreaterThanOrEqualTo(kills);
    assertThat(ackedCerts).isNotEmpty();
    assertThat(interrupted).as("kills that landed inside a run").isPositive();
  }

  private static List<String> clusters(int upTo) {
    return java.util.stream.IntStream.rangeClosed(0, upTo).mapToObj(i -> "sha256:r" + i).toList();
  }
}
