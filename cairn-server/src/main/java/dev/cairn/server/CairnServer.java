package dev.cairn.server;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.deploy.Deploys;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.steps.Delivery;
import dev.cairn.pipeline.steps.Steps;
import dev.cairn.server.http.internal.HttpApi;
import dev.cairn.server.schedule.Scheduler;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@code cairn serve}: the REST API, the webhook endpoint and a run engine over the stores it is
 * given, in one process. It calls the same engines as the CLI: runs go through cairn-pipeline's
 * engine with every executor, webhooks through the handler {@code cairn pipeline listen} serves,
 * certificates are verified by cairn-certify's verifier; registered clusters are scanned and
 * re-certified on their schedules by the {@link Scheduler}.
 *
 * <p>Stopping is graceful: the HTTP side stops taking requests, then the runs still queued or
 * running are recorded as {@link RunState#INTERRUPTED} (never lost); the next start resumes each
 * run interrupted within {@link ServerConfig#resumeWindow()} as a new run of the same request
 * (whose trigger names the run it resumes), once.
 */
public final class CairnServer implements AutoCloseable {
  /** The prefix of the delivery id of a run that resumes another: {@code resume:<old id>}. */
  public static final String RESUME = "resume:";

  /** The message of a run the server's stop interrupted. */
  static final String STOPPED =
      "interrupted: the server stopped before it finished; the next start resumes it";

  private final ServerConfig config;
  private final ServerStores stores;
  private final RunEngine engine;
  private final Delivery.Intake intake;
  private final HttpApi http;
  private final Scheduler scheduler;
  private final Set<String> inFlight;
  private final List<String> resumed;
  private final Alerts alerts;
  private volatile boolean closed;

  private CairnServer(
      ServerConfig config,
      ServerStores stores,
      RunEngine engine,
      Delivery.Intake intake,
      HttpApi http,
      Scheduler scheduler,
      Set<String> inFlight,
      List<String> resumed,
      Alerts alerts) {
    this.config = config;
    this.stores = stores;
    this.engine = engine;
    this.intake = intake;
    this.http = http;
    this.scheduler = scheduler;
    this.inFlight = inFlight;
    this.resumed = resumed;
    this.alerts = alerts;
  }

  /**
   * Starts a server over {@code stores} (closed when it stops, or here if it cannot start).
   *
   * @param events hears of runs started by webhooks and of triggers that could not be run (for the
   *     edge's log)
   * @throws CairnException when the address is taken, the TLS files cannot be read or a store
   *     cannot be opened
   */
  public static CairnServer start(ServerConfig config, ServerStores stores, Consumer<String> events)
      throws CairnException {
    return start(config, stores, events, ScanListener.NONE);
  }

  /**
   * Starts a server whose scheduler tells {@code scans} of every scan it stores (the hook for
   * notifications on new findings).
   *
   * @throws CairnException when the address is taken, the TLS files cannot be read or a store
   *     cannot be opened
   */
  public static CairnServer start(
      ServerConfig config, ServerStores stores, Consumer<String> events, ScanListener scans)
      throws CairnException {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(scans, "scans");
    Set<String> inFlight = ConcurrentHashMap.newKeySet();
    Alerts alerts;
    try {
      alerts = Alerts.start(config, stores.certificates(), events);
    } catch (java.io.IOException e) {
      closeStores(stores);
      throw new ServerException(
          "cannot open the notification records in "
              + config.home().dir("server").resolve("notifications")
              + ": "
              + e.getMessage(),
          "check that Cairn's home is writable",
          e);
    }
    RunListener tracker =
        new RunListener() {
          @Override
          public void changed(RunRecord run) {
            if (run.state().finished()) {
              inFlight.remove(run.id());
            } else {
              inFlight.add(run.id());
            }
            alerts.changed(run);
          }
        };
    CairnHome home = config.home();
    RunEngine engine;
    try {
      engine =
          Pipelines.engine(stores.runs())
              .workspaces(home.pipeline().resolve("workspaces"))
              .executor(Pipelines.localRunExecutor(config.hostEnv()))
              .executors(Steps.all(home, config.clock()))
              .executors(
                  List.<StepExecutor>of(
                      Steps.deploy(Deploys.pipelineTargets(home, config.clock()))))
              .secrets(SecretSource.environment(config.hostEnv()))
              .mask(config.webhookSecret())
              .maxConcurrentRuns(config.workers())
              .clock(config.clock())
              .listener(tracker)
              .start();
    } catch (CairnException | RuntimeException e) {
      alerts.close();
      closeStores(stores);
      throw e;
    }
    Delivery.Intake intake = null;
    Scheduler scheduler = null;
    try {
      List<String> resumed = resume(engine, stores, config, events);
      GitAuth git =
          SecretSource.environment(config.hostEnv())
              .secret(Delivery.GIT_TOKEN)
              .map(GitAuth::token)
              .orElse(GitAuth.none());
      intake =
          Delivery.intake(
              home,
              config.webhookSecret(),
              git,
              engine,
              stores.deliveries(),
              stores.webhookAudit(),
              run -> events.accept("run " + run),
              problem -> events.accept(problem),
              b ->
                  b.rateLimit(config.webhookRateLimit())
                      .maxBodyBytes(config.maxBodyBytes())
                      .clock(config.clock()));
      CairnServer[] self = new CairnServer[1];
      ScanListener both =
          (cluster, scan, previous) -> {
            alerts.scanned(cluster, scan, previous);
            scans.scanned(cluster, scan, previous);
          };
      scheduler = Scheduler.start(config, stores, both, events);
      HttpApi http =
          HttpApi.start(
              new HttpApi.Services(
                  config,
                  engine,
                  stores,
                  intake.handler(),
                  alerts.notifier(),
                  () -> self[0] != null && !self[0].closed,
                  scheduler));
      self[0] =
          new CairnServer(
              config, stores, engine, intake, http, scheduler, inFlight, resumed, alerts);
      return self[0];
    } catch (CairnException | RuntimeException e) {
      alerts.close();
      if (scheduler != null) {
        scheduler.close();
      }
      if (intake != null) {
        intake.close();
      }
      engine.close();
      stores.runs().close();
      stores.tokens().close();
      throw e;
    }
  }

  /**
   * Resumes the runs interrupted within the resume window that no run resumes yet: each as a new
   * run of the same pipeline text, repository, commit and ref, whose delivery id is {@code
   * resume:<id>} (so a second start finds it and does not resume twice). A run whose pipeline text
   * cannot be read again stays interrupted, which is its failure.
   */
  private static List<String> resume(
      RunEngine engine, ServerStores stores, ServerConfig config, Consumer<String> events)
      throws PipelineException {
    Instant since = config.clock().instant().minus(config.resumeWindow());
    List<RunRecord> all = stores.runs().list();
    Set<String> resumedAlready = ConcurrentHashMap.newKeySet();
    for (RunRecord r : all) {
      if (r.trigger().deliveryId().startsWith(RESUME)) {
        resumedAlready.add(r.trigger().deliveryId().substring(RESUME.length()));
      }
    }
    List<String> out = new ArrayList<>();
    for (RunRecord r : all) {
      Instant when = r.finished() != null ? r.finished() : r.created();
      if (r.state() != RunState.INTERRUPTED
          || resumedAlready.contains(r.id())
          || when.isBefore(since)
          || r.trigger().deliveryId().startsWith(RESUME + RESUME)) {
        continue;
      }
      Optional<String> text = stores.runs().definitionText(r.id());
      if (text.isEmpty()) {
        events.accept("run " + r.id() + " cannot be resumed: its pipeline file is not kept");
        continue;
      }
      PipelineDefinition def;
      try {
        def = Pipelines.parse(r.definitionSource(), text.get());
      } catch (PipelineException e) {
        events.accept("run " + r.id() + " cannot be resumed: " + e.getMessage());
        continue;
      }
      Trigger t = r.trigger();
      RunRequest req =
          new RunRequest(
              r.repository(),
              r.commit(),
              r.ref(),
              new Trigger(t.source(), RESUME + r.id(), t.pusher(), t.commit(), t.ref()),
              def,
              true);
      try {
        RunEngine.Submission sub = engine.submit(req);
        out.add(r.id() + " " + sub.run().id());
        events.accept("run " + r.id() + " was interrupted; resumed as run " + sub.run().id());
      } catch (PipelineException e) {
        events.accept("run " + r.id() + " cannot be resumed: " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /** Where it serves: {@code http(s)://host:port}. */
  public URI uri() {
    return http.uri();
  }

  public int port() {
    return http.port();
  }

  public ServerConfig config() {
    return config;
  }

  public RunEngine engine() {
    return engine;
  }

  /** Scheduled scans and re-certification of the registered clusters. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The notification webhooks' deliveries (none configured: it records none). */
  public dev.cairn.server.notify.Notifier notifier() {
    return alerts.notifier();
  }

  /**
   * Tells the configured endpoints of the checks failing in a new scan of {@code cluster} that did
   * not fail in the one before (the scheduler's scans come here by themselves).
   */
  public void scanned(
      String cluster,
      long scanId,
      Instant at,
      Set<String> failingNow,
      @org.jspecify.annotations.Nullable Set<String> failingBefore) {
    alerts.scanned(cluster, scanId, at, failingNow, failingBefore);
  }

  /** Looks over the certificates for expiring and revoked ones now (the sweep's own work). */
  public void sweepCertificates() throws ServerException {
    alerts.sweep();
  }

  /** The runs this start resumed: {@code "<interrupted id> <new id>"} each. */
  public List<String> resumed() {
    return resumed;
  }

  /**
   * Stops: no new requests, those in flight get the stop grace; the webhook intake stops (triggers
   * not yet run stay in its inbox); runs still queued or running are recorded as interrupted; the
   * stores are closed.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      http.close();
    } catch (RuntimeException e) {
      // Jetty could not wait for every request in flight: stop the rest all the same
    }
    scheduler.close();
    intake.close();
    alerts.close();
    List<String> stopped = new ArrayList<>(inFlight);
    engine.close();
    Instant now = config.clock().instant();
    for (String id : stopped) {
      try {
        Optional<RunRecord> r = stores.runs().get(id);
        if (r.isPresent() && r.get().state() == RunState.CANCELLED) {
          RunRecord c = r.get();
          stores
              .runs()
              .update(
                  c.next(
                      RunState.INTERRUPTED,
                      c.started(),
                      c.finished() != null ? c.finished() : now,
                      c.steps(),
                      STOPPED,
                      null));
        }
      } catch (PipelineException | RuntimeException e) {
        // the record stays as the engine left it (cancelled: the engine stopped)
      }
    }
    stores.runs().close();
    stores.tokens().close();
  }

  private static void closeStores(ServerStores stores) {
    stores.runs().close();
    stores.tokens().close();
    try {
      stores.webhookAudit().close();
      stores.deliveries().close();
    } catch (java.io.IOException e) {
      // the start's own error is the one to report
    }
  }

  @Override
  public String toString() {
    return "CairnServer[" + http.uri() + "]";
  }
}
