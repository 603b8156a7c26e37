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
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.source.Checkout;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.webhook.AuditSink;
import dev.cairn.pipeline.webhook.DeliveryStore;
import dev.cairn.pipeline.webhook.WebhookConfig;
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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    return Pipelines.engine(home)
        .executor(Pipelines.localRunExecutor(hostEnv))
        .executors(Steps.all(home, Clock.systemUTC()))
        .secrets(secrets)
        .listener(listener)
        .start();
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
    if (target.remote()) {
      Secret token = secrets.secret(GIT_TOKEN).orElse(null);
      def =
          definitionAt(
              target.repository(),
              target.commit(),
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
              : definitionAt(dir.toUri().toString(), target.commit(), GitAuth.none(), note);
    }
    return RunRequest.of(
        target.repository(), target.commit(), "", Trigger.manual(user, target.commit(), ""), def);
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

  /**
   * Serves signed webhooks at {@code address} with {@code secret} for every forge; each verified
   * push becomes a run of the pipeline file as it is at the pushed commit (fetched with {@code
   * git}). The handler only enqueues: the file is read, and the run submitted, on a thread of the
   * listener's, and {@code started} hears of each run id, {@code failed} of each trigger that could
   * not be run. Deliveries and the audit trail are kept in {@code webhooks/} in Cairn's home.
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
    Clock clock = Clock.systemUTC();
    Path dir = home.dir("webhooks");
    DeliveryStore deliveries = DeliveryStore.file(dir, DeliveryStore.Retention.DEFAULT, clock);
    AuditSink audit = AuditSink.file(dir.resolve("audit.jsonl"));
    ExecutorService submitter = Executors.newSingleThreadExecutor();
    WebhookConfig config =
        WebhookConfig.builder(deliveries, audit).secretForAll(secret).clock(clock).build();
    WebhookServer server =
        WebhookServer.start(
            Webhooks.handler(
                config,
                t ->
                    submitter.execute(
                        () -> {
                          try {
                            var r = request(t, git, failed);
                            if (r.isPresent()) {
                              started.accept(engine.submit(r.get()).run().id() + " " + t.commit());
                            }
                          } catch (CairnException | RuntimeException e) {
                            failed.accept(
                                "cannot run "
                                    + t.commit()
                                    + " of "
                                    + t.repository().cloneUrl()
                                    + ": "
                                    + (e.getMessage() == null ? e.toString() : e.getMessage())
                                    + (e instanceof CairnException c && c.hint().isPresent()
                                        ? "; perhaps you should " + c.hint().get()
                                        : ""));
                          }
                        })),
            address);
    return new Listener() {
      @Override
      public URI uri() {
        return server.uri();
      }

      @Override
      public void close() {
        server.close();
        submitter.shutdownNow();
        try (deliveries;
            audit) {
          // closed in reverse order
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
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
