package dev.cairn.server.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One scan of a registered cluster (and its certification, when due) that the scheduler started:
 * its events ({@code progress}, then one {@code end}) for a live view, and how it ended.
 */
public final class ScanJob {
  /** Why a job was started. */
  public enum Reason {
    /** The cluster's schedule came due. */
    SCHEDULE("schedule"),
    /** A fire was missed while the server was down: one scan at start makes up for all. */
    CATCH_UP("catch-up"),
    /** Asked for through the API. */
    REQUEST("request");

    private final String id;

    Reason(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /** How a job ended. */
  public enum Result {
    /** A scan was stored; the cluster's certificate was fresh enough. */
    SCANNED("scanned"),
    /** A scan was stored and a certificate issued. */
    CERTIFIED("certified"),
    /** A scan was stored; certification was due but some check failed: no certificate. */
    REFUSED("refused"),
    /** The scan or the certification could not be done ({@link Outcome#error()}). */
    FAILED("failed");

    private final String id;

    Result(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /**
   * How a job ended.
   *
   * @param scan the stored scan's id, or null when none was stored
   * @param certificate the digest of the certificate issued, or null
   * @param error why it failed, one line, or null
   */
  public record Outcome(
      Result result, @Nullable Long scan, @Nullable String certificate, @Nullable String error) {}

  /** An event: {@code progress} or {@code end}, with its data. */
  public record Event(int seq, String type, Map<String, Object> data) {
    public Event {
      data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
  }

  private final String id;
  private final String cluster;
  private final Reason reason;
  private final Instant queuedAt;
  private final List<Event> events = new ArrayList<>();
  private final CompletableFuture<Outcome> done = new CompletableFuture<>();

  ScanJob(String id, String cluster, Reason reason, Instant queuedAt) {
    this.id = id;
    this.cluster = cluster;
    this.reason = reason;
    this.queuedAt = queuedAt;
  }

  public String id() {
    return id;
  }

  public String cluster() {
    return cluster;
  }

  public Reason reason() {
    return reason;
  }

  public Instant queuedAt() {
    return queuedAt;
  }

  /** Completes when the job ends (never exceptionally: a failure is an outcome). */
  public CompletableFuture<Outcome> done() {
    return done;
  }

  synchronized void progress(Map<String, Object> data) {
    if (!done.isDone()) {
      events.add(new Event(events.size() + 1, "progress", data));
      notifyAll();
    }
  }

  synchronized void end(Outcome o) {
    if (done.isDone()) {
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", id);
    m.put("cluster", cluster);
    m.put("outcome", o.result().id());
    m.put("scan", o.scan());
    m.put("certificate", o.certificate());
    m.put("error", o.error());
    events.add(new Event(events.size() + 1, "end", m));
    notifyAll();
    done.complete(o);
  }

  /**
   * The events after the first {@code from}, waiting up to {@code waitMillis} for one when there
   * are none yet and the job has not ended.
   */
  public synchronized List<Event> eventsAfter(int from, long waitMillis)
      throws InterruptedException {
    long until = System.nanoTime() + waitMillis * 1_000_000L;
    while (events.size() <= from && !done.isDone()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000L));
    }
    return events.size() <= from ? List.of() : List.copyOf(events.subList(from, events.size()));
  }

  @Override
  public String toString() {
    return "ScanJob[" + id + " " + cluster + " " + reason.id() + "]";
  }
}
