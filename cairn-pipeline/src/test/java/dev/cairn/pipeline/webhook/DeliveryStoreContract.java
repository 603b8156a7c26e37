package dev.cairn.pipeline.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.webhook.DeliveryStore.Delivery;
import dev.cairn.pipeline.webhook.DeliveryStore.Retention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeliveryStore} must do: the file store here and the server's database stores
 * run these same tests. {@link #open} opens the store under test again each time it is called.
 */
public abstract class DeliveryStoreContract {
  /** A clock the tests move by hand. */
  public static final class TestClock extends Clock {
    private volatile Instant now;

    public TestClock(Instant now) {
      this.now = now;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  protected final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));

  /** Opens the store under test (the same underlying store on every call) with this retention. */
  protected abstract DeliveryStore open(Retention retention, Clock clock) throws Exception;

  protected DeliveryStore open() throws Exception {
    return open(Retention.DEFAULT, clock);
  }

  protected Delivery d(String id, char body) {
    return new Delivery(SourceKind.GITHUB, id, String.valueOf(body).repeat(64), clock.instant());
  }

  @Test
  void replay_isRefused_acrossAReopen() throws Exception {
    try (DeliveryStore s = open()) {
      assertThat(s.recordIfNew(d("id-1", 'a'))).isTrue();
      assertThat(s.recordIfNew(d("id-1", 'a'))).isFalse();
    }
    try (DeliveryStore s = open()) {
      assertThat(s.size()).isEqualTo(1);
      assertThat(s.recordIfNew(d("id-1", 'a'))).as("same id and body").isFalse();
      assertThat(s.recordIfNew(d("id-1", 'b'))).as("same id, other body").isFalse();
      assertThat(s.recordIfNew(d("id-2", 'a'))).as("same body, fresh id").isFalse();
      assertThat(
              s.recordIfNew(
                  new Delivery(SourceKind.GITLAB, "id-1", "c".repeat(64), clock.instant())))
          .as("the same id from another forge is another delivery")
          .isTrue();
      assertThat(s.recordIfNew(d("id-2", 'b'))).isTrue();
    }
  }

  @Test
  void recordIfNewLater_isNewOnce_andDurableAfterSync() throws Exception {
    try (DeliveryStore s = open()) {
      DeliveryStore.Pending p = s.recordIfNewLater(d("id-1", 'a'));
      assertThat(p).isNotNull();
      assertThat(s.recordIfNewLater(d("id-1", 'a'))).as("a racing copy").isNull();
      p.sync();
    }
    try (DeliveryStore s = open()) {
      assertThat(s.recordIfNew(d("id-1", 'a'))).isFalse();
    }
  }

  @Test
  void retention_forgetsByAge() throws Exception {
    try (DeliveryStore s = open(new Retention(Duration.ofHours(1), 100), clock)) {
      s.recordIfNew(d("old", 'a'));
      clock.advance(Duration.ofMinutes(59));
      assertThat(s.recordIfNew(d("old", 'a'))).isFalse();
      clock.advance(Duration.ofMinutes(2));
      assertThat(s.recordIfNew(d("new", 'b'))).isTrue();
      assertThat(s.size()).isEqualTo(1);
      assertThat(s.recordIfNew(d("old", 'a'))).as("forgotten by age").isTrue();
    }
    try (DeliveryStore s = open(new Retention(Duration.ofHours(1), 100), clock)) {
      assertThat(s.size()).isEqualTo(2);
    }
  }

  @Test
  void retention_keepsTheNewestByCount() throws Exception {
    Retention r = new Retention(Duration.ofDays(1), 3);
    try (DeliveryStore s = open(r, clock)) {
      for (char c = 'a'; c <= 'e'; c++) {
        assertThat(s.recordIfNew(d("id-" + c, c))).isTrue();
      }
      assertThat(s.size()).isEqualTo(3);
      assertThat(s.recordIfNew(d("id-e", 'e'))).isFalse();
      assertThat(s.recordIfNew(d("id-a", 'a'))).as("pushed out by count").isTrue();
    }
    try (DeliveryStore s = open(r, clock)) {
      assertThat(s.size()).isEqualTo(3);
    }
  }

  @Test
  void forget_letsTheDeliveryIn_again_alsoAfterReopen() throws Exception {
    try (DeliveryStore s = open()) {
      s.recordIfNew(d("id-1", 'a'));
      s.forget(d("id-1", 'a'));
    }
    try (DeliveryStore s = open()) {
      assertThat(s.size()).isZero();
      assertThat(s.recordIfNew(d("id-1", 'a'))).isTrue();
    }
  }

  @Test
  void racingCopiesOfOneDelivery_areNewOnce() throws Exception {
    try (DeliveryStore s = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int round = 0; round < 10; round++) {
          Delivery one = d("race-" + round, "0123456789".charAt(round));
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Boolean>> all = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            Callable<Boolean> task =
                () -> {
                  go.await();
                  return s.recordIfNew(one);
                };
            all.add(pool.submit(task));
          }
          go.countDown();
          int fresh = 0;
          for (Future<Boolean> f : all) {
            if (f.get(60, TimeUnit.SECONDS)) {
              fresh++;
            }
          }
          assertThat(fresh).as("round %d", round).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(s.size()).isEqualTo(10);
    }
  }
}
