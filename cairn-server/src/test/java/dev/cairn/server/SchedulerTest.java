package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.schedule.ScanJob;
import dev.cairn.server.store.ClusterStore.Cluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler on a stepped clock, with ticks by hand: when clusters are due, one catch-up for
 * missed fires, never two scans of a cluster at once, every outcome audited. (Scans of a real
 * cluster, and certification, are in {@code ScheduledScansRealClusterIT}.)
 */
class SchedulerTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;

  ServerFixture fixture(SteppedClock clock) throws Exception {
    return new ServerFixture(dir, b -> b.clock(clock).scheduleTick(Duration.ZERO));
  }

  static List<Map<String, Object>> scheduleRecords(ServerFixture f) throws Exception {
    return f.stores.audit().read().stream().filter(m -> "schedule".equals(m.get("event"))).toList();
  }

  @Test
  void aClusterIsDue_atTheFirstFireAfterItsLastAttempt_andAFailedScanIsAudited() throws Exception {
    SteppedClock clock = new SteppedClock(T0);
    try (ServerFixture f = fixture(clock)) {
      Cluster c = new Cluster("prod", f.brokenKubeconfig().toString(), "0 3 * * *", T0);
      f.stores.clusters().put(c);
      var scheduler = f.server.scheduler();
      assertThat(scheduler.nextScan(c)).contains(Instant.parse("2026-12-02T03:00:00Z"));
      assertThat(scheduler.tick()).as("not due yet").isEmpty();
      clock.set(Instant.parse("2026-12-02T02:59:59Z"));
      assertThat(scheduler.tick()).isEmpty();
      clock.set(Instant.parse("2026-12-02T03:00:00Z"));
      List<ScanJob> jobs = scheduler.tick();
      assertThat(jobs).hasSize(1);
      ScanJob job = jobs.get(0);
      assertThat(job.reason()).isEqualTo(ScanJob.Reason.SCHEDULE);
      ScanJob.Outcome o = job.done().get(2, TimeUnit.MINUTES);
      assertThat(o.result()).isEqualTo(ScanJob.Result.FAILED);
      assertThat(o.scan()).isNull();
      assertThat(o.error()).contains("names no certificate authority").doesNotContain("\n");
      // the attempt counts: the next fire is tomorrow's, not now again
      assertThat(scheduler.tick()).isEmpty();
      assertThat(scheduler.nextScan(c)).contains(Instant.parse("2026-12-03T03:00:00Z"));
      List<Map<String, Object>> audit = scheduleRecords(f);
      assertThat(audit).hasSize(1);
      assertThat(audit.get(0))
          .containsEntry("action", "scan")
          .containsEntry("cluster", "prod")
          .containsEntry("outcome", "failed")
          .containsEntry("reason", "schedule")
          .containsEntry("job", job.id())
          .containsEntry("at", "2026-12-02T03:00:00Z");
      // the job's events: one end, with the outcome
      List<ScanJob.Event> events = job.eventsAfter(0, 0);
      assertThat(events.get(events.size() - 1).type()).isEqualTo("end");
      assertThat(events.get(events.size() - 1).data())
          .containsEntry("outcome", "failed")
          .containsEntry("cluster", "prod");
    }
  }

  @Test
  void firesMissedWhileTheServerWasDown_makeOneCatchUpScanAtStart() throws Exception {
    SteppedClock clock = new SteppedClock(T0);
    try (ServerFixture f = fixture(clock)) {
      f.stores
          .clusters()
          .put(new Cluster("prod", f.brokenKubeconfig().toString(), "*/10 * * * *", T0));
      f.server.close();
      // down for five days: hundreds of fires missed
      clock.step(Duration.ofDays(5));
      f.restart(b -> b.clock(clock).scheduleTick(Duration.ZERO));
      List<ScanJob> jobs = f.server.scheduler().tick();
      assertThat(jobs).hasSize(1);
      assertThat(jobs.get(0).reason()).isEqualTo(ScanJob.Reason.CATCH_UP);
      jobs.get(0).done().get(2, TimeUnit.MINUTES);
      assertThat(f.server.scheduler().tick()).as("one, not one per missed fire").isEmpty();
      clock.step(Duration.ofMinutes(10));
      List<ScanJob> next = f.server.scheduler().tick();
      assertThat(next).hasSize(1);
      assertThat(next.get(0).reason()).isEqualTo(ScanJob.Reason.SCHEDULE);
      next.get(0).done().get(2, TimeUnit.MINUTES);
      assertThat(scheduleRecords(f))
          .extracting(m -> m.get("reason"))
          .containsExactly("catch-up", "schedule");
    }
  }

  @Test
  void oneClusterIsNeverScannedTwiceAtOnce() throws Exception {
    SteppedClock clock = new SteppedClock(T0);
    try (ServerFixture f = fixture(clock)) {
      // a kubeconfig the scan blocks on reading until the test writes it: the job stays running
      Path fifo = dir.resolve("slow.kubeconfig");
      Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
      assertThat(mk.waitFor()).isZero();
      f.stores.clusters().put(new Cluster("slow", fifo.toString(), "* * * * *", T0));
      var scheduler = f.server.scheduler();
      ScanJob first = scheduler.scanNow("slow");
      assertThat(scheduler.running("slow")).contains(first);
      clock.step(Duration.ofMinutes(5));
      assertThat(scheduler.tick()).as("due, but being scanned").isEmpty();
      assertThat(scheduler.scanNow("slow")).as("the running job, not a second").isSameAs(first);
      assertThat(first.done()).isNotDone();
      Files.write(fifo, "not: a kubeconfig\n".getBytes(StandardCharsets.UTF_8));
      assertThat(first.done().get(2, TimeUnit.MINUTES).result()).isEqualTo(ScanJob.Result.FAILED);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> scheduler.running("slow").isEmpty());
      Files.delete(fifo);
      Files.writeString(fifo, "still: not a kubeconfig\n");
      ScanJob second = scheduler.scanNow("slow");
      assertThat(second.id()).isNotEqualTo(first.id());
      assertThat(second.reason()).isEqualTo(ScanJob.Reason.REQUEST);
      second.done().get(2, TimeUnit.MINUTES);
    }
  }
}
