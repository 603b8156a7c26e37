package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills (SIGKILL) a child JVM running the engine at random points, many times, and checks after
 * each kill that every acknowledged run is there once, every run is finished or interrupted with
 * its finished steps kept, a delivery seen before gives its first run even across restarts, and no
 * record or directory is half written.
 */
class RunCrashIT {
  @TempDir Path dir;

  @Test
  void killedAtRandomPoints_runsAreNeverLostDuplicatedOrHalfWritten() throws Exception {
    Random random = new Random(18);
    Path runs = dir.resolve("runs");
    Map<String, String> acked = new HashMap<>(); // delivery -> run id
    Map<String, String> reportedDone = new HashMap<>(); // run id -> state
    Map<String, RunRecord> finishedBefore = new HashMap<>();
    int next = 0;
    int kills = 20;
    int interrupted = 0;
    for (int round = 0; round < kills; round++) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  RunCrashChild.class.getName(),
                  runs.toString(),
                  dir.resolve("ws").toString(),
                  Integer.toString(next))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      int want = 2 + random.nextInt(7);
      int got = 0;
      String line;
      while (got < want && (line = out.readLine()) != null) {
        String[] p = line.split(" ");
        switch (p[0]) {
          case "ack" -> {
            assertThat(acked.putIfAbsent(p[1], p[2])).as("delivery %s acked twice", p[1]).isNull();
            next = Math.max(next, Integer.parseInt(p[1].substring(2)) + 1);
            got++;
          }
          case "dup" ->
              assertThat(p[2]).as("resubmitted %s", p[1]).isEqualTo(acked.getOrDefault(p[1], p[2]));
          case "done" -> reportedDone.put(p[1], p[2]);
          default -> throw new AssertionError("unexpected line from the child: " + line);
        }
      }
      // not a wait for anything: the kill lands 0-40 ms later, wherever the engine is then
      java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(40) * 1_000_000L);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // deliveries the child may have submitted unread: given again, they must give their run
      next += 1;

      try (RunStore store = Pipelines.fileStore(runs)) {
        List<RunRecord> all = Pipelines.runs(store);
        Set<String> ids = new HashSet<>();
        Map<String, String> byDelivery = new HashMap<>();
        for (RunRecord r : all) {
          assertThat(ids.add(r.id())).isTrue();
          assertThat(byDelivery.put(r.trigger().deliveryId(), r.id()))
              .as("a second run of delivery %s", r.trigger().deliveryId())
              .isNull();
          assertThat(r.state().finished()).as("run %s after recovery", r.id()).isTrue();
          checkSteps(store, r);
          if (r.state() == RunState.INTERRUPTED) {
            interrupted++;
          }
          RunRecord before = finishedBefore.get(r.id());
          if (before != null && before.state() != RunState.INTERRUPTED) {
            assertThat(r).as("finished run %s changed", r.id()).isEqualTo(before);
          }
          finishedBefore.put(r.id(), r);
        }
        for (Map.Entry<String, String> a : acked.entrySet()) {
          assertThat(byDelivery.get(a.getKey()))
              .as("acknowledged %s", a.getKey())
              .isEqualTo(a.getValue());
        }
        for (Map.Entry<String, String> d : reportedDone.entrySet()) {
          assertThat(store.get(d.getKey()).orElseThrow().state().id())
              .as("run %s was reported %s", d.getKey(), d.getValue())
              .isEqualTo(d.getValue());
        }
        // nothing half written is left once the store is opened
        try (Stream<Path> files = Files.walk(runs)) {
          for (Path p : files.toList()) {
            String n = p.getFileName().toString();
            assertThat(n).doesNotEndWith(".tmp").doesNotStartWith(".deleted-");
            if (Files.isDirectory(p) && n.matches("[0-9]+")) {
              assertThat(p.resolve("run.json")).exists();
            }
          }
        }
      }
    }
    assertThat(acked.size()).isGreaterThanOrEqualTo(kills * 2);
    assertThat(interrupted).as("kills that landed inside a run").isPositive();
  }

  /**
   * Succeeded steps first (each with its log), then at most one that ended otherwise, then not-run.
   */
  private static void checkSteps(RunStore store, RunRecord r) throws Exception {
    List<StepRecord> steps = r.steps();
    assertThat(steps).hasSize(3);
    int i = 0;
    while (i < steps.size() && steps.get(i).state() == StepState.SUCCEEDED) {
      String log =
          new String(store.readLog(r.id(), steps.get(i).log(), 0, 4096), StandardCharsets.UTF_8);
      assertThat(log)
          .as("log of %s in run %s", steps.get(i).name(), r.id())
          .startsWith("step-" + steps.get(i).name() + " " + r.id() + "\n");
      i++;
    }
    if (r.state() == RunState.SUCCEEDED) {
      assertThat(i).isEqualTo(3);
      return;
    }
    if (i < steps.size() && steps.get(i).state() != StepState.NOT_RUN) {
      assertThat(steps.get(i).state())
          .isIn(StepState.INTERRUPTED, StepState.FAILED, StepState.CANCELLED);
      i++;
    }
    for (; i < steps.size(); i++) {
      assertThat(steps.get(i).state())
          .as("step %d of run %s", i, r.id())
          .isEqualTo(StepState.NOT_RUN);
    }
    assertThat(r.state()).isIn(RunState.INTERRUPTED, RunState.FAILED, RunState.CANCELLED);
  }
}
