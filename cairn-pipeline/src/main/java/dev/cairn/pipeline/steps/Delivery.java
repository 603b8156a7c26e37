package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunTarget;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.source.Checkout;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.webhook.AuditSink;
import dev.cairn.pipeline.webhook.DeliveryStore;
import dev.cairn.pipeline.webhook.WebhookConfig;
import dev.cairn.pipeline.webhook.WebhookHandler;
import dev.cairn.pipeline.webhook.WebhookServer;
import dev.cairn.pipeline.webhook.Webhooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pipeline as the CLI and the server run it: an engine in Cairn's home with every executor, the
 * run a target asks for, and a webhook listener that starts runs.
 */
public final class Delivery {
  /** The secret that holds a git token for HTTPS checkouts ({@code CAIRN_SECRET_GIT_TOKEN}). */
  public static final String GIT_TOKEN = "git-token";

  private Delivery() {}

  /**
   * An engine in {@code home} with the run, checkout, build, push and sign executors; secrets from
   * {@code secrets}; {@code hostEnv} gives the run steps' PATH and the like.
   */
  public static RunEngine engine(
      CairnHome home, Map<String, String> hostEnv, SecretSource secrets, RunListener listener)
      throws PipelineException {
    return engine(home, hostEnv, secrets, listener, List.of());
  }

  /**
   * As {@link #engine(CairnHome, Map, SecretSource, RunListener)}, with {@code more} executors: the
   * {@code deploy} step's ({@link Steps#deploy}), which an edge wires from cairn-deploy.
   */
  public static RunEngine engine(
      CairnHome home,
      Map<String, String> hostEnv,
      SecretSource secrets,
      RunListener listener,
      List<StepExecutor> more)
      throws PipelineException {
    return Pipelines.engine(home)
        .executors(executors(home, hostEnv, more))
        .secrets(secrets)
        .listener(listener)
        .start();
  }

  /**
   * The executors {@link #engine(CairnHome, Map, SecretSource, RunListener, List)} runs steps with
   * (the local {@code run} executor, this package's, then {@code more}, a later one of a kind
   * replacing an earlier): what {@link Pipelines#runStep} is given to run one step as a run would.
   */
  public static List<StepExecutor> executors(
      CairnHome home, Map<String, String> hostEnv, List<StepExecutor> more) {
    List<StepExecutor> all = new java.util.ArrayList<>();
    all.add(Pipelines.localRunExecutor(hostEnv));
    all.addAll(Steps.all(home, Clock.systemUTC()));
    all.addAll(more);
    return List.copyOf(all);
  }

  /**
   * The run {@code target} asks for: a directory's pipeline file (with none, checkout and build,
   * since push and sign need settings only a file can give, and {@code note} says so), or the file
   * at a remote commit (read from a checkout into a temporary directory).
   */
  public static RunRequest request(
      RunTarget target, SecretSource secrets, String user, Consumer<String> note)
      throws CairnException {
    PipelineDefinition def;
    String commit = target.commit();
    if (!commit.isEmpty() && !commit.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      if (target.remote()) {
        throw new PipelineException(
            "'"
                + commit
                + "' is an abbreviated commit id: a server gives a commit only by its full id",
            "give all 40 hex digits (git rev-parse " + commit + " prints them)");
      }
      commit = Checkout.resolve(Path.of(target.repository()), commit);
    }
    if (target.remote()) {
      Secret token = secrets.secret(GIT_TOKEN).orElse(null);
      def =
          definitionAt(
              target.repository(),
              commit,
              token == null ? GitAuth.none() : GitAuth.token(token),
              note);
    } else {
      Path dir = Path.of(target.repository());
      if (!Files.isDirectory(dir)) {
        throw new PipelineException(
            "no such directory: " + target.repository(),
            "name a repository's directory or URL@COMMIT");
      }
      def =
          target.commit().isEmpty()
              ? runnable(Pipelines.load(dir), dir.toString(), note)
              : definitionAt(dir.toUri().toString(), commit, GitAuth.none(), note);
    }
    return RunRequest.of(target.repository(), commit, "", Trigger.manual(user, commit, ""), def);
  }

  /**
   * The run a verified webhook asks for, or empty when the pipeline's triggers leave this push out
   * ({@code note} says why): the pipeline file as it is at the pushed commit.
   */
  public static Optional<RunRequest> request(
      dev.cairn.pipeline.webhook.Trigger t, GitAuth auth, Consumer<String> note)
      throws CairnException {
    PipelineDefinition def = definitionAt(t.repository().cloneUrl(), t.commit(), auth, note);
    boolean paths = !t.pathsComplete() || def.triggers().matchesPaths(t.changedPaths());
    if (!def.triggers().matchesRef(t.ref()) || !paths) {
      note.accept(
          "not run: the pipeline's triggers leave out "
              + t.ref()
              + (paths ? "" : " (no changed path matches)")
              + " of "
              + t.repository().cloneUrl());
      return Optional.empty();
    }
    return Optional.of(
        RunRequest.of(
            t.repository().cloneUrl(),
            t.commit(),
            t.ref(),
            new Trigger(
                t.source().toString().toLowerCase(Locale.ROOT),
                t.deliveryId(),
                t.pusher(),
                t.commit(),
                t.ref()),
            def));
  }

  /** The pipeline file at {@code commit} of {@code repository}, read from a scratch checkout. */
  private static PipelineDefinition definitionAt(
      String repository, String commit, GitAuth auth, Consumer<String> note) throws CairnException {
    Path scratch = scratch("cairn-pipeline-");
    try {
      Checkout.at(repository, commit, auth, scratch);
      return runnable(Pipelines.load(scratch), repository, note);
    } finally {
      deleteTree(scratch);
    }
  }

  /**
   * With no pipeline file: checkout and build, since push and sign need a registry and a key that
   * only a file can name ({@code note} says so).
   */
  private static PipelineDefinition runnable(
      PipelineDefinition def, String where, Consumer<String> note) {
    if (!def.isDefault()) {
      return def;
    }
    note.accept("no " + Pipelines.FILE + " in " + where + ": running checkout and build");
    return Pipelines.defaults(List.of(StepKind.CHECKOUT, StepKind.BUILD));
  }

  /** Removes a directory tree, as far as it can (a scratch directory: nothing to report). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a scratch directory left behind is no failure of the run
    }
  }

  /** A running webhook listener: stop it with {@link #close()}. */
  public interface Listener extends AutoCloseable {
    URI uri();

    @Override
    void close();
  }

  /** How long to wait before each new attempt at a trigger whose pipeline could not be read. */
  static final List<Duration> RETRIES =
      List.of(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30));

  /**
   * Serves signed webhooks at {@code address} with {@code secret} for every forge; each verified
   * push becomes a run of the pipeline file as it is at the pushed commit (fetched with {@code
   * git}). The handler only writes the trigger to a durable inbox before answering 202: the file is
   * read, and the run submitted, on a thread of the listener's, with retries when the repository
   * cannot be reached; triggers still in the inbox from a listener that stopped or crashed are run
   * when the next one starts. {@code started} hears of each run id, {@code failed} of each trigger
   * that could not be run (yet). Deliveries, the inbox and the audit trail are kept in {@code
   * webhooks/} in Cairn's home.
   */
  public static Listener listen(
      CairnHome home,
      Secret secret,
      GitAuth git,
      RunEngine engine,
      InetSocketAddress address,
      Consumer<String> started,
      Consumer<String> failed)
      throws CairnException {
    return listen(home, secret, git, engine, address, started, failed, RETRIES);
  }

  static Listener listen(
      CairnHome home,
      Secret secret,
      GitAuth git,
      RunEngine engine,
      InetSocketAddress address,
      Consumer<String> started,
      Consumer<String> failed,
      List<Duration> retries)
      throws CairnException {
    DeliveryStore deliveries = fileDeliveries(home);
    AuditSink audit;
    try {
      audit = fileAudit(home);
    } catch (CairnException | RuntimeException e) {
      closeQuietly(deliveries);
      throw e;
    }
    Intake intake =
        intake(home, secret, git, engine, deliveries, audit, started, failed, retries, b -> {});
    WebhookServer server;
    try {
      server = WebhookServer.start(intake.handler(), address);
    } catch (CairnException | RuntimeException e) {
      intake.close();
      throw e;
    }
    return new Listener() {
      @Override
      public URI uri() {
        return server.uri();
      }

      @Override
      public void close() {
        server.close();
        intake.close();
      }
    };
  }

  /**
   * The webhook intake without an HTTP server: the handler that {@link #listen} serves, for an edge
   * that has its own server ({@code cairn serve}). Close it after the server has stopped.
   */
  public interface Intake extends AutoCloseable {
    /** The handler to give each {@code POST /hooks/{source}} request. */
    WebhookHandler handler();

    /** Stops turning triggers into runs (those left stay in the inbox) and closes the stores. */
    @Override
    void close();
  }

  /**
   * The intake that {@link #listen} serves, for an edge with its own HTTP server: {@code secret}
   * for every forge, the same inbox in {@code webhooks/} of Cairn's home, the same submission of
   * runs to {@code engine}, with the delivery store and audit sink given (closed by {@link
   * Intake#close}). {@code tune} may change the handler's options (its rate limit, body cap) before
   * it is built.
   */
  public static Intake intake(
      CairnHome home,
      Secret secret,
      GitAuth git,
      RunEngine engine,
      DeliveryStore deliveries,
      AuditSink audit,
      Consumer<String> started,
      Consumer<String> failed,
      Consumer<WebhookConfig.Builder> tune)
      throws CairnException {
    return intake(home, secret, git, engine, deliveries, audit, started, failed, RETRIES, tune);
  }

  /** The delivery store {@link #listen} keeps in {@code webhooks/} of Cairn's home. */
  public static DeliveryStore fileDeliveries(CairnHome home) throws CairnException {
    return DeliveryStore.file(
        home.dir("webhooks"), DeliveryStore.Retention.DEFAULT, Clock.systemUTC());
  }

  /** The webhook audit trail {@link #listen} keeps in {@code webhooks/audit.jsonl}. */
  public static AuditSink fileAudit(CairnHome home) throws CairnException {
    return AuditSink.file(home.dir("webhooks").resolve("audit.jsonl"));
  }

  static Intake intake(
      CairnHome home,
      Secret secret,
      GitAuth git,
      RunEngine engine,
      DeliveryStore deliveries,
      AuditSink audit,
      Consumer<String> started,
      Consumer<String> failed,
      List<Duration> retries,
      Consumer<WebhookConfig.Builder> tune)
      throws CairnException {
    Clock clock = Clock.systemUTC();
    Path dir = home.dir("webhooks");
    Inbox inbox;
    try {
      inbox = Inbox.in(dir);
    } catch (IOException e) {
      closeQuietly(audit);
      closeQuietly(deliveries);
      throw new PipelineException(
          "cannot use the webhook inbox in " + dir + ": " + dev.cairn.core.Text.describe(e),
          "check the permissions of Cairn's home");
    }
    ScheduledExecutorService submitter = Executors.newSingleThreadScheduledExecutor();
    Submitter s = new Submitter(inbox, git, engine, submitter, started, failed, retries);
    WebhookHandler handler;
    try {
      WebhookConfig.Builder b =
          WebhookConfig.builder(deliveries, audit).secretForAll(secret).clock(clock);
      tune.accept(b);
      handler =
          Webhooks.handler(
              b.build(),
              t -> {
                Path file;
                try {
                  file = inbox.put(t);
                } catch (IOException e) {
                  // the handler forgets the delivery and answers 503: the forge sends it again
                  throw new UncheckedIOException(e);
                }
                s.later(file, 0, Duration.ZERO);
              });
    } catch (CairnException | RuntimeException e) {
      submitter.shutdownNow();
      closeQuietly(audit);
      closeQuietly(deliveries);
      throw e;
    }
    try {
      for (Path file : inbox.pending()) {
        s.later(file, 0, Duration.ZERO);
      }
    } catch (IOException e) {
      failed.accept("cannot read the webhook inbox: " + dev.cairn.core.Text.describe(e));
    }
    return new Intake() {
      @Override
      public WebhookHandler handler() {
        return handler;
      }

      @Override
      public void close() {
        // the submission going on finishes (or is left in the inbox for the next listener)
        // before the stores close; queued and retrying triggers stay in the inbox
        submitter.shutdownNow();
        try {
          if (!submitter.awaitTermination(30, TimeUnit.SECONDS)) {
            failed.accept("the webhook submitter did not stop within 30 s");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        try (deliveries;
            audit) {
          // closed in reverse order
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** Turns inbox files into runs, one at a time, retrying a repository that cannot be read. */
  private record Submitter(
      Inbox inbox,
      GitAuth git,
      RunEngine engine,
      ScheduledExecutorService executor,
      Consumer<String> started,
      Consumer<String> failed,
      List<Duration> retries) {
    void later(Path file, int attempt, Duration delay) {
      try {
        executor.schedule(() -> submit(file, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // the listener is closing: the file stays in the inbox for the next one
      }
    }

    private void submit(Path file, int attempt) {
      dev.cairn.pipeline.webhook.Trigger t;
      try {
        if (!Files.exists(file)) {
          return; // queued twice (received, and found at start), run once
        }
        t = Inbox.read(file);
      } catch (IOException e) {
        fail(file, "cannot read the webhook trigger " + file + ": " + e.getMessage());
        return;
      }
      try {
        var r = request(t, git, failed);
        if (r.isPresent()) {
          started.accept(engine.submit(r.get()).run().id() + " " + t.commit());
        }
        inbox.done(file);
      } catch (CairnException | IOException | RuntimeException e) {
        if (Thread.currentThread().isInterrupted() || executor.isShutdown()) {
          // the listener is stopping, not the trigger failing: the next listener runs it
          return;
        }
        String why =
            "cannot run "
                + t.commit()
                + " of "
                + t.repository().cloneUrl()
                + ": "
                + (e.getMessage() == null ? e.toString() : e.getMessage())
                + (e instanceof CairnException c && c.hint().isPresent()
                    ? "; perhaps you should " + c.hint().get()
                    : "");
        if (attempt < retries.size() && retryable(e)) {
          failed.accept(why + " (trying again in " + retries.get(attempt).toSeconds() + " s)");
          later(file, attempt + 1, retries.get(attempt));
        } else {
          fail(file, why);
        }
      }
    }

    private void fail(Path file, String why) {
      try {
        Path kept = inbox.failed(file);
        failed.accept(why + "; the trigger is kept in " + kept);
      } catch (IOException e) {
        failed.accept(why);
      }
    }

    /**
     * Whether another attempt can do better: anything but a trigger or pipeline file that is wrong
     * in itself (the repository could not be reached or read, the disk or the run store failed for
     * a moment).
     */
    private static boolean retryable(Exception e) {
      return !(e instanceof PipelineException);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // cleaning up after a failed start: the start's own error is the one to report
    }
  }

  private static Path scratch(String prefix) throws PipelineException {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new PipelineException(
          "cannot make a scratch directory: " + dev.cairn.core.Text.describe(e),
          "free space in the temporary directory");
    }
  }
}
