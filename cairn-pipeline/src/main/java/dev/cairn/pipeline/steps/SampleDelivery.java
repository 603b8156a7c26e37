package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.DebianPackages;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageBuilds;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.source.LocalForge;
import dev.cairn.supplychain.LocalRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The delivery half of Cairn on one machine, for the demo and for trying it: a local forge holding
 * a small HTTP service's repository (busybox {@code httpd} and static pages, a Dockerfile without
 * RUN), a local registry with a base image built by Cairn itself, and the webhook listener and run
 * engine in Cairn's home. {@link #deliver} pushes a commit, sends the forge's signed webhook, waits
 * for the run (checkout, build, push, sign), then sends a webhook signed with another secret, which
 * must be refused. Stop everything with {@link #close()}.
 */
public final class SampleDelivery implements AutoCloseable {
  /** The repository path of the sample service's image in the local registry. */
  public static final String REPOSITORY = "demo/web";

  private final LocalRegistry registry;
  private final LocalForge forge;
  private final RunEngine engine;
  private final Delivery.Listener listener;
  private final Secret webhookSecret;
  private final CompletableFuture<String> started;
  private final List<String> problems;

  /**
   * What one delivery did.
   *
   * @param accepted the listener's HTTP status for the signed webhook (202)
   * @param run the run it started, finished
   * @param image the pushed image, by digest ({@code ""} when the run did not get there)
   * @param forged the listener's HTTP status for the webhook signed with another secret (401)
   * @param runs how many runs the home holds afterwards (the forged webhook adds none)
   */
  public record Result(int accepted, RunRecord run, String image, int forged, int runs) {}

  private SampleDelivery(
      LocalRegistry registry,
      LocalForge forge,
      RunEngine engine,
      Delivery.Listener listener,
      Secret webhookSecret,
      CompletableFuture<String> started,
      List<String> problems) {
    this.started = started;
    this.problems = problems;
    this.registry = registry;
    this.forge = forge;
    this.engine = engine;
    this.listener = listener;
    this.webhookSecret = webhookSecret;
  }

  /**
   * Starts the registry (installing Debian's docker-registry and busybox-static when missing), the
   * forge and the listener in {@code work}, with runs in {@code home}. {@code secrets} gives the
   * steps' secrets (the sign step's key); {@code runs} hears the steps' log lines.
   */
  public static SampleDelivery start(
      Path work, CairnHome home, SecretSource secrets, RunListener runs) throws CairnException {
    DebianPackages.ensure("busybox-static", Path.of("/bin/busybox"));
    LocalRegistry registry = LocalRegistry.start(work.resolve("registry"));
    LocalForge forge = null;
    RunEngine engine = null;
    try {
      forge = LocalForge.start(work.resolve("forge"), Clock.systemUTC());
      String base = pushBaseImage(work.resolve("base"), registry.address() + "/demo/busybox:base");
      forge.commit("web", sampleFiles(base, registry.address()), "the sample service");
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      Secret secret = Secret.ofUtf8(HexFormat.of().formatHex(raw));
      engine = Delivery.engine(home, Map.of("PATH", "/usr/bin:/bin"), secrets, runs);
      CompletableFuture<String> started = new CompletableFuture<>();
      List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
      Delivery.Listener l =
          Delivery.listen(
              home,
              secret,
              GitAuth.none(),
              engine,
              new InetSocketAddress("127.0.0.1", 0),
              run -> started.complete(run.split(" ")[0]),
              problems::add);
      return new SampleDelivery(registry, forge, engine, l, secret, started, problems);
    } catch (CairnException | RuntimeException e) {
      if (engine != null) {
        engine.close();
      }
      if (forge != null) {
        forge.close();
      }
      registry.close();
      throw e;
    }
  }

  /** The local registry's address ({@code 127.0.0.1:PORT}). */
  public String registry() {
    return registry.address();
  }

  /** The forge's URL of the sample repository. */
  public String repository() {
    return forge.cloneUrl("web");
  }

  /** The listener's base URL. */
  public URI listener() {
    return listener.uri();
  }

  /**
   * Pushes a new revision of the sample, sends its signed webhook, waits up to {@code timeout} for
   * the run, then sends a forged one.
   */
  public Result deliver(String version, Duration timeout) throws CairnException {
    LocalForge.Push push =
        forge.commit(
            "web",
            Map.of("www/version.json", "{\"version\":\"" + version + "\"}\n"),
            "release " + version);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    int accepted = send(http, forge.githubWebhook(push, webhookSecret));
    String runId;
    try {
      runId = started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new PipelineException(
          "the signed webhook started no run"
              + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)),
          "read the listener's audit in webhooks/audit.jsonl of Cairn's home");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("interrupted waiting for the run", null);
    }
    RunRecord run;
    try {
      run = engine.await(runId, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("interrupted waiting for the run", null);
    }
    String image =
        run.steps().stream()
            .filter(s -> s.kind() == StepKind.PUSH)
            .findFirst()
            .map(s -> s.outputs().getOrDefault("image", ""))
            .orElse("");
    Secret other = Secret.ofUtf8("not-the-webhook-secret");
    int forged = send(http, forge.githubWebhook(push, other));
    int runs = Pipelines.runs(engine.store()).size();
    return new Result(accepted, run, image, forged, runs);
  }

  private int send(HttpClient http, LocalForge.Webhook hook) throws PipelineException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(listener.uri() + "/github"))
            .timeout(Duration.ofSeconds(30));
    hook.headers().forEach(b::header);
    try {
      return http.send(
              b.POST(HttpRequest.BodyPublishers.ofByteArray(hook.body())).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new PipelineException(
          "the webhook listener did not answer: " + e.getMessage(), "read its log above");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("interrupted sending the webhook", null);
    }
  }

  /**
   * Builds the sample's base image (busybox-static's {@code /bin/busybox} and users, by Cairn
   * itself, no RUN) in {@code dir} and pushes it as {@code ref} to a plain-HTTP registry; returns
   * {@code ref}.
   */
  public static String pushBaseImage(Path dir, String ref) throws CairnException {
    try {
      Path ctx = Files.createDirectories(dir.resolve("ctx"));
      Files.createDirectories(ctx.resolve("bin"));
      Files.copy(
          Path.of("/bin/busybox"),
          ctx.resolve("bin/busybox"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectories(ctx.resolve("etc"));
      Files.writeString(
          ctx.resolve("etc/passwd"),
          "root:x:0:0:root:/root:/bin/busybox\nwww:x:65534:65534:www:/var/www:/bin/false\n");
      Files.writeString(ctx.resolve("etc/group"), "root:x:0:\nwww:x:65534:\n");
      Files.writeString(
          ctx.resolve("Dockerfile"),
          "FROM scratch\nCOPY bin/ /bin/\nCOPY etc/ /etc/\nENV PATH=/bin\n");
      ImageBuilds.build(
          ImageBuild.builder(ctx, Files.createDirectories(dir.resolve("work")))
              .timestamp(Instant.EPOCH)
              .output(new ImageOutput.Registry(ref, null, true))
              .build(),
          e -> {});
      return ref;
    } catch (IOException e) {
      throw new PipelineException(
          "cannot make the sample's base image in " + dir + ": " + e.getMessage(),
          "check that the directory is writable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("interrupted building the base image", null);
    }
  }

  /** The sample service's files: a Dockerfile without RUN, httpd's config, pages, the pipeline. */
  static Map<String, String> sampleFiles(String base, String registry) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put(
        "Dockerfile",
        "FROM "
            + base
            + "\n"
            + "LABEL org.opencontainers.image.title=web\n"
            + "COPY httpd.conf /etc/httpd.conf\n"
            + "COPY www/ /var/www/\n"
            + "EXPOSE 8080\n"
            + "USER 65534:65534\n"
            + "ENTRYPOINT [\"/bin/busybox\", \"httpd\", \"-f\", \"-v\", \"-p\", \"8080\","
            + " \"-h\", \"/var/www\", \"-c\", \"/etc/httpd.conf\"]\n");
    f.put("httpd.conf", "A:*\n.html:text/html\n.css:text/css\n.json:application/json\n");
    f.put(
        "www/index.html",
        "<!doctype html>\n<html><head><title>web</title>"
            + "<link rel=stylesheet href=/site.css></head>\n"
            + "<body><h1>web</h1></body></html>\n");
    f.put("www/site.css", "body{font-family:sans-serif;margin:2em}\n");
    f.put("www/version.json", "{\"version\":\"0\"}\n");
    f.put(
        ".cairn/pipeline.yaml",
        "name: web\n"
            + "steps:\n"
            + "  - checkout: {}\n"
            + "  - build\n"
            + "  - push: {registry: "
            + registry
            + ", repository: "
            + REPOSITORY
            + ", plainHttp: true}\n"
            + "  - sign: {}\n");
    return f;
  }

  @Override
  public void close() {
    listener.close();
    engine.close();
    forge.close();
    registry.close();
  }
}
