package dev.cairn.server;

import dev.cairn.certify.CertifyException;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.StepState;
import dev.cairn.server.notify.Notification;
import dev.cairn.server.notify.Notifier;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the server tells the team's endpoints of, through its {@link Notifier}: a deploy the gate
 * refused (seen as a run's deploy step fails so), certificates about to expire and revoked ones (a
 * sweep over the server's certificates at start and every {@link ServerConfig#certificateSweep()}),
 * and new failing checks after a scan ({@link #scanned}). Each event has a stable id, so it is sent
 * once however often it is seen.
 */
final class Alerts implements RunListener, AutoCloseable {
  /** How the deploy step's message begins when the gate refused (cairn-deploy's wording). */
  static final String GATE_REFUSED = "the deploy gate refused";

  private final ServerConfig config;
  private final CertificateShelf certificates;
  private final Notifier notifier;
  private final Consumer<String> events;
  private final ScheduledExecutorService sweeper;

  private Alerts(
      ServerConfig config,
      CertificateShelf certificates,
      Notifier notifier,
      Consumer<String> events) {
    this.config = config;
    this.certificates = certificates;
    this.notifier = notifier;
    this.events = events;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-certificate-sweep");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the notifier (resuming deliveries left pending) and the certificate sweep. */
  static Alerts start(ServerConfig config, CertificateShelf certificates, Consumer<String> events)
      throws IOException {
    Notifier n =
        Notifier.start(
            config.home().dir("server").resolve("notifications"),
            config.notifyEndpoints(),
            config.clock(),
            config.notifyRetry(),
            events);
    Alerts a = new Alerts(config, certificates, n, events);
    if (!config.notifyEndpoints().isEmpty()) {
      long every = config.certificateSweep().toMillis();
      a.sweeper.scheduleWithFixedDelay(a::sweepQuietly, 0, every, TimeUnit.MILLISECONDS);
    }
    return a;
  }

  Notifier notifier() {
    return notifier;
  }

  // ------------------------------------------------------------------ gate refusals

  @Override
  public void changed(RunRecord run) {
    if (run.state() != RunState.FAILED || config.notifyEndpoints().isEmpty()) {
      return;
    }
    for (StepRecord s : run.steps()) {
      if (s.kind() == StepKind.DEPLOY
          && s.state() == StepState.FAILED
          && s.message().startsWith(GATE_REFUSED)) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("run", run.id());
        d.put("step", s.name());
        d.put("repository", run.repository());
        d.put("commit", run.commit());
        d.put("ref", run.ref());
        d.put("reasons", s.message());
        publish(
            new Notification(
                "gate-refused." + run.id(),
                Notification.Kind.GATE_REFUSED,
                run.finished() != null ? run.finished() : config.clock().instant(),
                run.repository(),
                firstLine(s.message()),
                d));
      }
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  // ------------------------------------------------------------------ certificates

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException | ServerException e) {
      events.accept("the certificate sweep failed: " + e.getMessage());
    }
  }

  /**
   * Looks over the newest certificate of each cluster: one expiring within {@link
   * ServerConfig#expiringWithin()} (and not yet expired), or one the verifier finds revoked, is
   * published (once per certificate and kind).
   */
  void sweep() throws ServerException {
    Instant now = config.clock().instant();
    Map<String, CertificateShelf.Shelved> newest = new TreeMap<>();
    for (CertificateShelf.Shelved c : certificates.list(new ArrayList<>())) {
      newest.putIfAbsent(c.certificate().clusterId().toString(), c);
    }
    for (CertificateShelf.Shelved c : newest.values()) {
      Instant expires = c.certificate().expiresAt();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("certificate", c.digest());
      d.put("cluster", c.certificate().clusterId().toString());
      d.put("server", c.certificate().server());
      d.put("expiresAt", expires.toString());
      if (expires.isAfter(now) && expires.isBefore(now.plus(config.expiringWithin()))) {
        long days = java.time.Duration.between(now, expires).toDays();
        publish(
            new Notification(
                "certificate-expiring." + hex(c.digest()),
                Notification.Kind.CERTIFICATE_EXPIRING,
                now,
                c.certificate().clusterId().toString(),
                "the certificate of "
                    + c.certificate().server()
                    + " expires in "
                    + days
                    + (days == 1 ? " day" : " days")
                    + " ("
                    + expires
                    + ")",
                d));
      }
      VerifyResult r;
      try {
        r = Verifier.create(config.home(), config.clock()).verify(VerifyRequest.of(c.bundle()));
      } catch (CertifyException e) {
        continue; // not verifiable here now: nothing to say about revocation
      }
      if (r instanceof VerifyResult.NotVerified n && n.link().equals("revocation")) {
        d.put("reason", n.message());
        publish(
            new Notification(
                "certificate-revoked." + hex(c.digest()),
                Notification.Kind.CERTIFICATE_REVOKED,
                now,
                c.certificate().clusterId().toString(),
                "the certificate of " + c.certificate().server() + " is revoked: " + n.message(),
                d));
      }
    }
  }

  private static String hex(String digest) {
    return digest.startsWith("sha256:") ? digest.substring(7) : digest;
  }

  // ------------------------------------------------------------------ findings

  /**
   * After a scan: publishes the checks failing now that did not fail in {@code previous} (none when
   * there is no previous scan: a first scan is a baseline, not news).
   *
   * @param failingNow the ids of the checks failing in the new scan
   * @param failingBefore those of the previous scan, null if there is none
   */
  void scanned(
      String cluster,
      long scanId,
      Instant at,
      Set<String> failingNow,
      @org.jspecify.annotations.Nullable Set<String> failingBefore) {
    if (failingBefore == null || config.notifyEndpoints().isEmpty()) {
      return;
    }
    List<String> fresh =
        failingNow.stream().filter(c -> !failingBefore.contains(c)).sorted().toList();
    if (fresh.isEmpty()) {
      return;
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("cluster", cluster);
    d.put("scan", scanId);
    d.put("newFailingChecks", fresh);
    publish(
        new Notification(
            "new-findings." + cluster + "." + scanId,
            Notification.Kind.NEW_FINDINGS,
            at,
            cluster,
            fresh.size()
                + (fresh.size() == 1 ? " check fails" : " checks fail")
                + " on "
                + cluster
                + " that passed before: "
                + String.join(", ", fresh.subList(0, Math.min(5, fresh.size())))
                + (fresh.size() > 5 ? ", …" : ""),
            d));
  }

  /** The scheduler's scans: the failing checks are read from the stored reports. */
  void scanned(
      dev.cairn.server.store.ClusterStore.Cluster cluster,
      dev.cairn.server.store.ScanStore.Scan scan,
      dev.cairn.server.store.ScanStore.@org.jspecify.annotations.Nullable Scan previous) {
    scanned(
        cluster.name(),
        scan.id(),
        scan.scannedAt(),
        failing(scan.reportJson()),
        previous == null ? null : failing(previous.reportJson()));
  }

  /** The ids of the checks a scanner JSON report says failed. */
  static Set<String> failing(String reportJson) {
    Set<String> out = new java.util.TreeSet<>();
    try {
      Object checks = dev.cairn.core.Json.parseObject(reportJson).get("checks");
      if (checks instanceof List<?> l) {
        for (Object o : l) {
          if (o instanceof Map<?, ?> m
              && "failed".equals(m.get("status"))
              && m.get("id") instanceof String id) {
            out.add(id);
          }
        }
      }
    } catch (IOException e) {
      // not a report: nothing known to fail
    }
    return out;
  }

  private void publish(Notification n) {
    try {
      notifier.publish(n);
    } catch (IOException | RuntimeException e) {
      events.accept("notification " + n.id() + " could not be recorded: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    notifier.close();
  }
}
