package dev.cairn.pipeline.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every webhook {@link AuditSink} must do: the JSON-lines file here and the server's database
 * sinks run these same tests.
 */
public abstract class AuditSinkContract {
  /** Opens the sink under test (the same underlying audit on every call). */
  protected abstract AuditSink open() throws Exception;

  /** Every record the audit holds, as {@link AuditRecord#toJson()} lines, oldest first. */
  protected abstract List<String> recorded() throws Exception;

  public static AuditRecord record(int n) {
    return new AuditRecord(
        Instant.parse("2026-12-01T10:00:00Z").plusSeconds(n),
        "127.0.0.1",
        n % 2 == 0 ? "ACCEPTED" : "REFUSED",
        n % 2 == 0 ? 202 : 401,
        n % 2 == 0 ? "run queued" : "bad signature \"quoted\" <b>",
        SourceKind.GITHUB,
        "delivery-" + n,
        n % 2 == 0 ? "acme/shop" : null,
        n % 2 == 0 ? "refs/heads/main" : null,
        n % 2 == 0 ? "a".repeat(40) : null,
        120 + n,
        "b".repeat(64));
  }

  @Test
  void records_areKeptWholeAndInOrder_acrossAReopen() throws Exception {
    try (AuditSink s = open()) {
      s.record(record(1));
      s.record(record(2));
    }
    try (AuditSink s = open()) {
      s.record(
          new AuditRecord(
              Instant.parse("2026-12-01T11:00:00Z"),
              "::1",
              "REFUSED",
              413,
              "too large",
              null,
              "not a delivery id!",
              null,
              null,
              null,
              -1,
              null));
    }
    List<String> all = recorded();
    assertThat(all).hasSize(3);
    assertThat(all.get(0)).isEqualTo(record(1).toJson());
    assertThat(all.get(1)).isEqualTo(record(2).toJson());
    assertThat(all.get(2)).contains("\"status\":413").doesNotContain("not a delivery id");
  }

  @Test
  void concurrentRecords_areAllKept() throws Exception {
    try (AuditSink s = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          int n = i;
          all.add(
              pool.submit(
                  () -> {
                    s.record(record(n));
                    return null;
                  }));
        }
        for (Future<?> f : all) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    List<String> all = recorded();
    assertThat(all).hasSize(40);
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      want.add(record(i).toJson());
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(want);
  }
}
