package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunStore} must do, whatever it keeps runs in: the file store in this module and
 * the server's database stores run these same tests. {@link #open()} opens the store under test; a
 * second call opens the same store again (as a second process would).
 */
public abstract class RunStoreContract {

  /** Opens the store under test; each call opens the same underlying store again. */
  protected abstract RunStore open() throws Exception;

  public static RunRecord draft(String commit, String delivery) throws Exception {
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

  private static RunRecord finished(RunRecord r, RunState state) {
    Instant t = Instant.parse("2026-12-01T10:00:02Z");
    List<StepRecord> steps = new ArrayList<>();
    for (StepRecord s : r.steps()) {
      steps.add(s.started(t, 1).finished(StepState.SUCCEEDED, t, 0, "exited with 0", Map.of()));
    }
    return r.next(state, t, t, steps, state.id(), null);
  }

  @Test
  void orphanedRun_isMarkedInterrupted_withItsFinishedStepsKept_leasedOnesAreLeftAlone()
      throws Exception {
    try (RunStore store = open()) {
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
      assertThat(store.interruptOrphans(Instant.parse("2026-12-01T10:06:00Z")))
          .as("an interrupted run is finished")
          .isEmpty();
      held.lease().close();
    }
  }

  @Test
  void leaseHeldByAnotherOpening_isNotAnOrphan() throws Exception {
    try (RunStore engine = open();
        RunStore other = open()) {
      RunStore.Created c = engine.create(draft("aaaaaaa", "d1"), "x");
      assertThat(other.interruptOrphans(Instant.parse("2026-12-01T10:05:00Z"))).isEmpty();
      assertThatThrownBy(() -> other.delete(c.record().id()))
          .isInstanceOf(PipelineException.class)
          .hasMessageContaining("still held by its engine");
      c.lease().close();
      assertThat(other.interruptOrphans(Instant.parse("2026-12-01T10:05:00Z")))
          .extracting(RunRecord::id)
          .containsExactly(c.record().id());
    }
  }

  @Test
  void create_givesNewIds_andReturnsTheRunADeliveryAlreadyStarted() throws Exception {
    try (RunStore store = open()) {
      RunStore.Created first = store.create(draft("aaaaaaa", "d1"), "text one\n");
      assertThat(first.existing()).isFalse();
      assertThat(first.lease()).isNotNull();
      assertThat(first.record().id()).isNotEmpty();
      RunStore.Created again = store.create(draft("fffffff", "d1"), "text two\n");
      assertThat(again.existing()).as("the same delivery").isTrue();
      assertThat(again.lease()).isNull();
      assertThat(again.record().id()).isEqualTo(first.record().id());
      RunStore.Created sameCommit = store.create(draft("aaaaaaa", "d2"), "x");
      assertThat(sameCommit.existing()).as("the same commit, queued").isTrue();
      RunStore.Created other = store.create(draft("bbbbbbb", "d3"), "x");
      assertThat(other.existing()).isFalse();
      assertThat(other.record().id()).isNotEqualTo(first.record().id());
      assertThat(store.definitionText(first.record().id())).contains("text one\n");
      first.lease().close();
      other.lease().close();
    }
  }

  @Test
  void failedRun_doesNotStopARunOfTheSameCommit_butItsDeliveryStillDoes() throws Exception {
    try (RunStore store = open()) {
      RunStore.Created c = store.create(draft("aaaaaaa", "d1"), "x");
      store.update(finished(c.record(), RunState.FAILED));
      c.lease().close();
      RunStore.Created again = store.create(draft("aaaaaaa", "d2"), "x");
      assertThat(again.existing()).isFalse();
      again.lease().close();
      assertThat(store.create(draft("aaaaaaa", "d1"), "x").existing()).isTrue();
    }
  }

  @Test
  void update_replacesTheRecord_andListShowsTheNewestFirst_acrossAReopen() throws Exception {
    String a;
    String b;
    RunRecord done;
    try (RunStore store = open()) {
      RunStore.Created ca = store.create(draft("aaaaaaa", "d1"), "x");
      RunStore.Created cb = store.create(draft("bbbbbbb", "d2"), "y");
      a = ca.record().id();
      b = cb.record().id();
      done = finished(ca.record(), RunState.SUCCEEDED);
      store.update(done);
      ca.lease().close();
      cb.lease().close();
    }
    try (RunStore store = open()) {
      assertThat(store.get(a)).contains(done);
      assertThat(store.list()).extracting(RunRecord::id).containsExactly(b, a);
      assertThat(store.definitionText(b)).contains("y");
      assertThat(store.get("999999")).isEmpty();
      assertThat(store.definitionText("999999")).isEmpty();
    }
  }

  @Test
  void delete_removesTheRunAndItsLogs_andIdsAreNeverReused() throws Exception {
    try (RunStore store = open()) {
      RunStore.Created c = store.create(draft("aaaaaaa", "d1"), "x");
      String id = c.record().id();
      try (OutputStream out = store.appendLog(id, "00-a.log")) {
        out.write("hello\n".getBytes(StandardCharsets.UTF_8));
      }
      store.update(finished(c.record(), RunState.SUCCEEDED));
      c.lease().close();
      store.delete(id);
      assertThat(store.get(id)).isEmpty();
      assertThat(store.readLog(id, "00-a.log", 0, 100)).isEmpty();
      assertThat(store.list()).isEmpty();
      store.delete(id); // deleting what is gone is no error
      RunStore.Created next = store.create(draft("aaaaaaa", "d1"), "x");
      assertThat(next.existing()).as("its delivery went with it").isFalse();
      assertThat(Long.parseLong(next.record().id())).isGreaterThan(Long.parseLong(id));
      next.lease().close();
    }
  }

  @Test
  void logs_areAppendedAndReadByOffset() throws Exception {
    try (RunStore store = open()) {
      RunStore.Created c = store.create(draft("aaaaaaa", "d1"), "x");
      String id = c.record().id();
      assertThat(store.readLog(id, "00-a.log", 0, 100)).as("no log yet").isEmpty();
      byte[] big = new byte[200_000];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) ('a' + i % 26);
      }
      try (OutputStream out = store.appendLog(id, "00-a.log")) {
        out.write("line one\n".getBytes(StandardCharsets.UTF_8));
        out.write('x');
        out.write(big, 0, big.length);
      }
      try (OutputStream out = store.appendLog(id, "00-a.log")) {
        out.write("\nlast\n".getBytes(StandardCharsets.UTF_8));
      }
      try (OutputStream out = store.appendLog(id, "01-b.log")) {
        out.write("other\n".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(new String(store.readLog(id, "00-a.log", 0, 9), StandardCharsets.UTF_8))
          .isEqualTo("line one\n");
      assertThat(new String(store.readLog(id, "00-a.log", 9, 3), StandardCharsets.UTF_8))
          .isEqualTo("xab");
      long total = 9 + 1 + big.length + 6;
      byte[] all = store.readLog(id, "00-a.log", 0, Integer.MAX_VALUE);
      assertThat(all).hasSize((int) total);
      assertThat(new String(all, (int) total - 6, 6, StandardCharsets.UTF_8)).isEqualTo("\nlast\n");
      byte[] middle = store.readLog(id, "00-a.log", 100_000, 70_000);
      assertThat(middle).hasSize(70_000);
      assertThat(middle[0]).isEqualTo(big[100_000 - 10]);
      assertThat(store.readLog(id, "00-a.log", total, 10)).isEmpty();
      assertThat(store.readLog(id, "00-a.log", total + 5, 10)).isEmpty();
      assertThat(new String(store.readLog(id, "01-b.log", 0, 100), StandardCharsets.UTF_8))
          .isEqualTo("other\n");
      c.lease().close();
    }
  }

  @Test
  void cancel_askedInOneOpening_isSeenInAnother() throws Exception {
    try (RunStore engine = open();
        RunStore cli = open()) {
      RunStore.Created c = engine.create(draft("aaaaaaa", "d1"), "x");
      String id = c.record().id();
      assertThat(engine.cancelRequested(id)).isFalse();
      cli.requestCancel(id);
      assertThat(engine.cancelRequested(id)).isTrue();
      assertThatThrownBy(() -> cli.requestCancel("424242"))
          .isInstanceOf(PipelineException.class)
          .hasMessageContaining("no run 424242");
      c.lease().close();
    }
  }

  @Test
  void badIdsAndLogNames_areRefused() throws Exception {
    try (RunStore store = open()) {
      RunStore.Created c = store.create(draft("aaaaaaa", "d1"), "x");
      c.lease().close();
      assertThatThrownBy(() -> store.get("../x")).hasMessageContaining("run ids are numbers");
      assertThatThrownBy(() -> store.readLog(c.record().id(), "../../etc/passwd", 0, 10))
          .hasMessageContaining("not a step log name");
      assertThatThrownBy(() -> store.appendLog(c.record().id(), "x/../y.log"))
          .hasMessageContaining("not a step log name");
    }
  }

  @Test
  void racingCreatesOfOneDelivery_fromTwoOpenings_giveOneRun() throws Exception {
    try (RunStore one = open();
        RunStore two = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int round = 0; round < 5; round++) {
          String delivery = "race-" + round;
          String commit = "c0ffee" + round;
          CountDownLatch go = new CountDownLatch(1);
          List<Future<RunStore.Created>> all = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            RunStore s = i % 2 == 0 ? one : two;
            Callable<RunStore.Created> task =
                () -> {
                  go.await();
                  return s.create(draft(commit, delivery), "x");
                };
            all.add(pool.submit(task));
          }
          go.countDown();
          Set<String> ids = new HashSet<>();
          int fresh = 0;
          for (Future<RunStore.Created> f : all) {
            RunStore.Created c = f.get(60, TimeUnit.SECONDS);
            ids.add(c.record().id());
            if (!c.existing()) {
              fresh++;
              c.lease().close();
            }
          }
          assertThat(ids).as("round %d", round).hasSize(1);
          assertThat(fresh).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(one.list()).hasSize(5);
    }
  }
}
