package dev.cairn.server.schedule;

import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyEvent;
import dev.cairn.certify.CertifyException;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Target;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Text;
import dev.cairn.deploy.duties.DutyException;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.server.CertificateShelf;
import dev.cairn.server.ScanListener;
import dev.cairn.server.ServerConfig;
import dev.cairn.server.ServerStores;
import dev.cairn.server.store.ClusterStore.Cluster;
import dev.cairn.server.store.ScanStore.Scan;
import dev.cairn.server.store.StoreException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Scans registered clusters on their cron schedules and re-certifies them before their certificate
 * expires, with the engines the CLI uses: the scanner {@code cairn scan --kubeconfig} runs (every
 * built-in check) and cairn-certify's {@link Certifier} with the defaults of {@code cairn certify}
 * (every framework, the latest PSS version, 30 days, the embedded ledger and attestation service).
 *
 * <p>A cluster is due when the first fire of its schedule after the later of its registration, its
 * newest stored scan and the last attempt is not after the clock's now: so fires missed while the
 * server was down make one catch-up scan, not one each. One cluster is never scanned twice at once.
 * After each stored scan the {@link ScanListener} hears of it; then, when the cluster's newest
 * certificate (on the server's {@link CertificateShelf}) expires within {@link
 * ServerConfig#expiringWithin()} or it has none, the cluster is certified and the certificate
 * written onto the shelf. Every outcome is a record in the server's audit log (event {@code
 * schedule}).
 *
 * <p>{@link #tick()} looks for due clusters once; with {@link ServerConfig#scheduleTick()} above
 * zero a thread calls it that often, so tests can step a clock and tick by hand instead.
 */
public final class Scheduler implements AutoCloseable {
  private static final int KEPT_JOBS = 200;
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final ServerConfig config;
  private final ServerStores stores;
  private final ScanListener listener;
  private final Consumer<String> events;
  private final Clock clock;
  private final Instant started;
  private final ExecutorService workers;
  private final Map<String, ScanJob> running = new ConcurrentHashMap<>();
  private final Map<String, ScanJob> jobs =
      java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, Instant> attempted = new ConcurrentHashMap<>();
  private final Map<String, Digest> identities = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final @Nullable Thread ticker;
  private volatile boolean closed;

  private Scheduler(
      ServerConfig config, ServerStores stores, ScanListener listener, Consumer<String> events) {
    this.config = config;
    this.stores = stores;
    this.listener = listener;
    this.events = events;
    this.clock = config.clock();
    this.started = clock.instant();
    int n = Math.max(1, Math.min(config.workers(), 4));
    this.workers =
        Executors.newFixedThreadPool(
            n,
            r -> {
              Thread t = new Thread(r, "cairn-scheduled-scan");
              t.setDaemon(true);
              return t;
            });
    Duration every = config.scheduleTick();
    if (every.isZero()) {
      this.ticker = null;
    } else {
      Thread t = new Thread(() -> loop(every), "cairn-scheduler");
      t.setDaemon(true);
      this.ticker = t;
    }
  }

  /** A scheduler over {@code stores}; its thread (if it has one) starts ticking at once. */
  public static Scheduler start(
      ServerConfig config, ServerStores stores, ScanListener listener, Consumer<String> events) {
    Scheduler s = new Scheduler(config, stores, listener, events);
    if (s.ticker != null) {
      s.ticker.start();
    }
    return s;
  }

  private void loop(Duration every) {
    while (!closed) {
      try {
        tick();
      } catch (StoreException | RuntimeException e) {
        events.accept("schedule: cannot look for due scans: " + e.getMessage());
      }
      try {
        if (stop.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Starts a job for every registered cluster whose scan is due and that is not being scanned.
   *
   * @return the jobs started
   */
  public List<ScanJob> tick() throws StoreException {
    Instant now = clock.instant();
    List<ScanJob> out = new ArrayList<>();
    for (Cluster c : stores.clusters().list()) {
      Optional<Instant> next = nextScan(c);
      if (next.isEmpty() || next.get().isAfter(now) || running.containsKey(c.name())) {
        continue;
      }
      ScanJob.Reason why =
          next.get().isBefore(started) ? ScanJob.Reason.CATCH_UP : ScanJob.Reason.SCHEDULE;
      submit(c, why).ifPresent(out::add);
    }
    return out;
  }

  /**
   * Scans {@code cluster} now (and certifies it when due); the job already running for it if there
   * is one.
   *
   * @throws java.util.NoSuchElementException when no cluster of that name is registered
   */
  public ScanJob scanNow(String cluster) throws StoreException {
    Cluster c =
        stores
            .clusters()
            .get(cluster)
            .orElseThrow(() -> new java.util.NoSuchElementException("no cluster " + cluster));
    ScanJob j = running.get(c.name());
    if (j != null) {
      return j;
    }
    return submit(c, ScanJob.Reason.REQUEST).orElseGet(() -> running.get(c.name()));
  }

  private synchronized Optional<ScanJob> submit(Cluster c, ScanJob.Reason why) {
    if (closed || running.containsKey(c.name())) {
      return Optional.empty();
    }
    byte[] b = new byte[6];
    random.nextBytes(b);
    ScanJob job = new ScanJob("job-" + HexFormat.of().formatHex(b), c.name(), why, clock.instant());
    running.put(c.name(), job);
    attempted.put(c.name(), job.queuedAt());
    jobs.put(job.id(), job);
    synchronized (jobs) {
      var it = jobs.entrySet().iterator();
      while (jobs.size() > KEPT_JOBS && it.hasNext()) {
        if (it.next().getValue().done().isDone()) {
          it.remove();
        }
      }
    }
    try {
      workers.execute(() -> run(c, job));
    } catch (RejectedExecutionException e) {
      running.remove(c.name(), job);
      job.end(new ScanJob.Outcome(ScanJob.Result.FAILED, null, null, "the server is stopping"));
    }
    return Optional.of(job);
  }

  /** A job started here, while it is kept (the newest 200 at least). */
  public Optional<ScanJob> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** The job scanning {@code cluster} now, if one is. */
  public Optional<ScanJob> running(String cluster) {
    return Optional.ofNullable(running.get(cluster));
  }

  /**
   * When {@code c} is next due: the first fire of its schedule after the later of its registration,
   * its newest scan and the last attempt here (empty if it never fires again).
   */
  public Optional<Instant> nextScan(Cluster c) throws StoreException {
    Instant base = c.registeredAt();
    List<Scan> last = stores.scans().history(c.name(), 1);
    if (!last.isEmpty() && last.get(0).scannedAt().isAfter(base)) {
      base = last.get(0).scannedAt();
    }
    Instant tried = attempted.get(c.name());
    if (tried != null && tried.isAfter(base)) {
      base = tried;
    }
    return c.cron().next(base, config.scheduleZone());
  }

  /** The identity of a cluster scanned since this server started, as its certificates name it. */
  public Optional<Digest> identity(String cluster) {
    return Optional.ofNullable(identities.get(cluster));
  }

  /** The newest certificate on the shelf for the cluster scanned as {@code cluster}, if any. */
  public Optional<CertificateShelf.Shelved> newestCertificate(String cluster) {
    Digest id = identities.get(cluster);
    if (id == null) {
      return Optional.empty();
    }
    try {
      return stores.certificates().list(new ArrayList<>()).stream()
          .filter(s -> s.certificate().clusterId().equals(id))
          .findFirst();
    } catch (CairnException e) {
      return Optional.empty();
    }
  }

  // ------------------------------------------------------------------ one job

  private void run(Cluster c, ScanJob job) {
    ScanJob.Outcome o;
    try {
      o = scanAndCertify(c, job);
    } catch (RuntimeException e) {
      o = failed(c, job, "scan", null, "the scan of " + c.name() + " failed: " + e);
    } finally {
      running.remove(c.name(), job);
    }
    job.end(o);
  }

  private ScanJob.Outcome scanAndCertify(Cluster c, ScanJob job) {
    Path kubeconfig = Path.of(c.kubeconfig());
    ClusterOptions cluster = ClusterOptions.of(kubeconfig);
    CheckSet checks = Checks.builtin();
    String pack = Checks.builtinPackDigest().toString();
    Instant at = clock.instant();
    ScanReport report;
    Digest identity;
    try {
      identity = Clusters.identity(cluster).id();
      identities.put(c.name(), identity);
      long[] last = {0};
      report =
          Scanners.create(
                  ScanOptions.defaults()
                      .withChecks(checks)
                      .withClock(clock)
                      .withListener(
                          n -> {
                            long t = System.nanoTime();
                            synchronized (last) {
                              if (t - last[0] < 250_000_000L) {
                                return;
                              }
                              last[0] = t;
                            }
                            job.progress(progress("scan", pack, checks.size(), null, n, null));
                          }))
              .scan(List.of(ObjectSources.cluster(cluster, checks)));
    } catch (CairnException e) {
      return failed(c, job, "scan", null, "cannot scan " + c.name() + ": " + e.getMessage());
    }
    job.progress(
        progress("scan", pack, checks.size(), report.results().size(), report.objects(), null));
    Optional<Notice> broken =
        report.notices().stream().filter(n -> n.level() == Notice.Level.ERROR).findFirst();
    if (broken.isPresent()) {
      return failed(
          c, job, "scan", null, "the scan of " + c.name() + " is incomplete: " + broken.get());
    }
    StringWriter json = new StringWriter();
    Scan stored;
    Scan previous;
    try {
      Reports.write(report, ReportFormat.JSON, json, false);
      previous = stores.scans().latest(c.name()).orElse(null);
      stored = stores.scans().add(new Scan(0, c.name(), at, findings(report), json.toString()));
    } catch (IOException | StoreException e) {
      return failed(
          c, job, "scan", null, "cannot store the scan of " + c.name() + ": " + e.getMessage());
    }
    audit(c, job, "scan", "scanned", stored.id(), null, null);
    try {
      listener.scanned(c, stored, previous);
    } catch (RuntimeException e) {
      events.accept("schedule: the scan listener failed on scan " + stored.id() + ": " + e);
    }
    // certify when the newest certificate expires within the window, or there is none
    Instant now = clock.instant();
    Optional<CertificateShelf.Shelved> newest = newestCertificate(c.name());
    if (newest.isPresent()
        && newest.get().certificate().expiresAt().isAfter(now.plus(config.expiringWithin()))) {
      return new ScanJob.Outcome(ScanJob.Result.SCANNED, stored.id(), null, null);
    }
    Path file =
        stores.certificates().dir().resolve(c.name() + "-" + STAMP.format(now) + ".cert.json");
    CertifyResult result;
    try {
      result =
          Certifier.create(config.home(), clock)
              .certify(
                  CertifyRequest.of(new Target.Live(kubeconfig))
                      .withFrameworks(config.certifyFrameworks())
                      .withCertificateFile(file),
                  e -> {
                    if (e instanceof CertifyEvent.Phase p) {
                      job.progress(progress("certify", pack, checks.size(), null, null, p.name()));
                    }
                  });
    } catch (CertifyException | RuntimeException e) {
      return failed(
          c, job, "certify", stored.id(), "cannot certify " + c.name() + ": " + e.getMessage());
    }
    return switch (result) {
      case CertifyResult.Issued i -> {
        String digest = i.bundle().envelope().digest().toString();
        audit(c, job, "certify", "certified", stored.id(), digest, null);
        yield new ScanJob.Outcome(ScanJob.Result.CERTIFIED, stored.id(), digest, null);
      }
      case CertifyResult.Refused r -> {
        String why =
            r.failed().size()
                + " check"
                + (r.failed().size() == 1 ? "" : "s")
                + " failed in the attested scan (report in "
                + r.reportFile()
                + ")";
        audit(c, job, "certify", "refused", stored.id(), null, why);
        yield new ScanJob.Outcome(ScanJob.Result.REFUSED, stored.id(), null, why);
      }
    };
  }

  private static Map<String, Object> progress(
      String phase,
      String pack,
      int checks,
      @Nullable Integer checksDone,
      @Nullable Long objects,
      @Nullable String step) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", phase);
    m.put("checkPack", pack);
    m.put("checks", checks);
    m.put("checksDone", checksDone);
    m.put("objects", objects);
    m.put("step", step);
    return m;
  }

  /**
   * Failing findings (failed and errored, not waived) by framework id, then by severity id; a check
   * in several frameworks counts in each.
   */
  static Map<String, Map<String, Integer>> findings(ScanReport report) {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    for (CheckResult r : report.results()) {
      long n = r.findings().stream().filter(f -> f.state() != Finding.State.WAIVED).count();
      if (n == 0) {
        continue;
      }
      String sev = r.check().severity().name().toLowerCase(java.util.Locale.ROOT);
      for (Framework f : r.check().frameworks()) {
        out.computeIfAbsent(f.id(), k -> new TreeMap<>()).merge(sev, (int) n, Integer::sum);
      }
    }
    return out;
  }

  private ScanJob.Outcome failed(
      Cluster c, ScanJob job, String action, @Nullable Long scan, String why) {
    String line = Text.escape(why.replace('\n', ' '));
    audit(c, job, action, "failed", scan, null, line);
    events.accept("schedule: " + line);
    return new ScanJob.Outcome(ScanJob.Result.FAILED, scan, null, line);
  }

  private void audit(
      Cluster c,
      ScanJob job,
      String action,
      String outcome,
      @Nullable Long scan,
      @Nullable String certificate,
      @Nullable String error) {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("event", "schedule");
    rec.put("at", clock.instant().toString());
    rec.put("action", action);
    rec.put("cluster", c.name());
    rec.put("job", job.id());
    rec.put("reason", job.reason().id());
    rec.put("outcome", outcome);
    if (scan != null) {
      rec.put("scan", scan);
    }
    if (certificate != null) {
      rec.put("certificate", certificate);
    }
    if (error != null) {
      rec.put("error", error);
    }
    try {
      stores.audit().append(rec);
    } catch (DutyException | RuntimeException e) {
      events.accept(
          "schedule: cannot write the audit record of " + action + " " + c.name() + ": " + e);
    }
  }

  /** Stops ticking; running jobs are interrupted and end as failed. */
  @Override
  public void close() {
    closed = true;
    stop.countDown();
    workers.shutdownNow();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        events.accept("schedule: a scan did not stop within 10 s of the server's stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ScanJob j : List.copyOf(running.values())) {
      j.end(
          new ScanJob.Outcome(
              ScanJob.Result.FAILED, null, null, "interrupted: the server stopped"));
    }
    Thread t = ticker;
    if (t != null) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
