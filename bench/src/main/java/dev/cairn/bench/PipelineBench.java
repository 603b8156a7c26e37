package dev.cairn.bench;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.steps.Delivery;
import dev.cairn.pipeline.steps.SampleDelivery;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.DebianPackages;
import dev.cairn.testing.GitHttpServer;
import dev.cairn.testing.LocalRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook received → image pushed and signed, through the real pipeline: a sample application (a
 * small HTTP service: busybox {@code httpd} with a config and static content, a Dockerfile of FROM,
 * COPY, EXPOSE, USER and ENTRYPOINT) in a git repository served over smart HTTP ({@code git
 * http-backend}), a base image in a local registry (Debian's {@code docker-registry}), the listener
 * of {@link Delivery#listen} and the engine of {@link Delivery#engine} with every executor. Each
 * run is a new commit pushed to the repository and a signed GitHub push webhook sent over HTTP; the
 * stages come from the run record (queue, checkout, build, push, sign) and the client (accept).
 * Then bursts of concurrent webhooks, each a commit on a branch of its own: accepted/s, accept
 * latency, and that every accepted delivery became exactly one run that finished (and that a replay
 * of each starts nothing). Prints markdown tables.
 *
 * <p>Run: {@code bench/run pipeline [runs] [concurrent] [bursts]} (10, 20, 1).
 */
public final class PipelineBench {
  private PipelineBench() {}

  static final String WEBHOOK_SECRET = "bench-webhook-secret-0123456789abcdef";
  static final String GIT_TOKEN = "bench-git-token-0123456789";
  static final int WARMUP = 2;
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  /** The stages of a run, in order, as the tables name them. */
  static final List<String> STAGES =
      List.of(
          "webhook accept",
          "dispatch (pipeline file at the commit)",
          "queue",
          "checkout",
          "build",
          "↳ build: base pulled, layers, OCI archive written",
          "↳ build: layers and manifest uploaded",
          "push",
          "sign",
          "enclave (measure, mark, policy)",
          "engine between steps",
          "**webhook → pushed and signed (and enclaved)**");

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int concurrent = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int bursts = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    boolean enclave = args.length > 3 && args[3].equals("enclave");
    double[] loadBefore = loadAverage();
    Path dir = Files.createTempDirectory("cairn-pipeline-bench");
    LocalRegistry registry = LocalRegistry.plain();
    try {
      DebianPackages.ensure("busybox-static", Path.of("/bin/busybox"));
      // the developer's side uses git too, before the server that would install it starts
      DebianPackages.ensure("git", Path.of("/usr/lib/git-core/git-http-backend"));
      registry.start(Files.createDirectories(dir.resolve("registry")));
      PipelineBench.Fixture f = new PipelineBench.Fixture(dir, registry);
      f.enclave = enclave;
      f.run(runs, concurrent, bursts, loadBefore);
    } finally {
      registry.stop();
      deleteTree(dir);
    }
  }

  /** Everything one benchmark uses, started once. */
  static final class Fixture {
    final Path dir;
    final LocalRegistry registry;
    final Path work;
    final Path bare;
    final KeyPair keys = CosignKeys.generate();
    final Map<String, CompletableFuture<String>> runIdByCommit = new ConcurrentHashMap<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<String> checkoutLines = new CopyOnWriteArrayList<>();

    /** When the build step of each run logged that it wrote the archive and the registry image. */
    final Map<String, Instant> archiveWritten = new ConcurrentHashMap<>();

    final Map<String, Instant> registryWritten = new ConcurrentHashMap<>();
    final Mac mac;
    int revision;

    /** Whether runs alternate between the plain pipeline and one with the enclave step. */
    boolean enclave;

    Fixture(Path dir, LocalRegistry registry) throws Exception {
      this.dir = dir;
      this.registry = registry;
      this.work = dir.resolve("dev/web");
      this.bare = dir.resolve("srv/web.git");
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    void run(int runs, int concurrent, int bursts, double[] loadBefore) throws Exception {
      String base = pushBaseImage();
      makeRepository(base);
      CairnHome home = CairnHome.of(dir.resolve("home"));
      SecretSource secrets =
          SecretSource.of(
              Map.of(
                  "git-token",
                  Secret.ofUtf8(GIT_TOKEN),
                  "signing-key",
                  CosignKeys.privateKeyPem(keys.getPrivate())));
      RunListener listener =
          new RunListener() {
            @Override
            public void log(String runId, String step, String line) {
              if (step.equals("checkout") && line.startsWith("checked out")) {
                checkoutLines.add(line);
              } else if (step.equals("build") && line.startsWith("wrote ")) {
                (line.contains(" to OciArchive[") ? archiveWritten : registryWritten)
                    .putIfAbsent(runId, Instant.now());
              }
            }
          };
      try (GitHttpServer git = new GitHttpServer(dir.resolve("srv"), "x-access-token", GIT_TOKEN);
          RunEngine engine = Delivery.engine(home, System.getenv(), secrets, listener);
          Delivery.Listener hooks =
              Delivery.listen(
                  home,
                  Secret.ofUtf8(WEBHOOK_SECRET),
                  GitAuth.token(Secret.ofUtf8(GIT_TOKEN)),
                  engine,
                  new InetSocketAddress("127.0.0.1", 0),
                  this::started,
                  problems::add);
          ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        HttpClient http = HttpClient.newBuilder().executor(pool).build();
        String cloneUrl = git.url("web.git");
        URI uri = URI.create(hooks.uri() + "/github");

        List<double[]> measured = new ArrayList<>();
        List<double[]> enclaved = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        String lastImage = "";
        int variants = enclave ? 2 : 1;
        for (int i = 0; i < (WARMUP + runs) * variants; i++) {
          boolean withEnclave = enclave && i % 2 == 1;
          pipelineFile(withEnclave);
          String before = head();
          String commit = commitAndPush("main");
          Sample s = sequential(http, uri, engine, cloneUrl, "refs/heads/main", before, commit);
          if (i < WARMUP * variants) {
            cold.add(s.stages()[s.stages().length - 1]);
          } else {
            (withEnclave ? enclaved : measured).add(s.stages());
          }
          lastImage = s.image();
        }
        if (enclave) {
          printEnclave(measured, enclaved);
        }
        String verified = verify(lastImage);

        List<Burst> results = new ArrayList<>();
        for (int b = 0; b < bursts; b++) {
          results.add(burst(http, pool, uri, engine, cloneUrl, concurrent, b));
        }
        double[] loadAfter = loadAverage();
        print(runs, measured, cold, verified, results, loadBefore, loadAfter);
      }
    }

    /** A run id from the listener: {@code "<run id> <commit>"}. */
    void started(String line) {
      String[] p = line.split(" ");
      runIdByCommit.computeIfAbsent(p[1], c -> new CompletableFuture<>()).complete(p[0]);
    }

    /** The base image: busybox-static's binary and a passwd file, built by Cairn itself. */
    String pushBaseImage() throws Exception {
      return SampleDelivery.pushBaseImage(
          dir.resolve("base"), registry.address() + "/bench/busybox:1.36");
    }

    /** The sample application's repository, its first commit pushed to the bare repository. */
    void makeRepository(String base) throws Exception {
      Files.createDirectories(bare);
      git(bare, "init", "-q", "--bare", "-b", "main");
      // as GitHub does: a client may fetch one reachable commit by its id (a shallow checkout)
      git(bare, "config", "uploadpack.allowReachableSHA1InWant", "true");
      Files.createDirectories(work.resolve("www/css"));
      Files.createDirectories(work.resolve(".cairn"));
      Files.writeString(
          work.resolve("Dockerfile"),
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
      Files.writeString(
          work.resolve("httpd.conf"),
          "A:*\n.html:text/html\n.css:text/css\n.js:text/javascript\n.json:application/json\n"
              + "E404:/var/www/404.html\n");
      Files.writeString(
          work.resolve("www/index.html"),
          "<!doctype html>\n<html><head><title>web</title>"
              + "<link rel=stylesheet href=/css/site.css></head>\n"
              + "<body><h1>web</h1><p id=v></p><script src=/app.js></script></body></html>\n");
      Files.writeString(
          work.resolve("www/404.html"), "<!doctype html>\n<title>not found</title><p>404\n");
      Files.writeString(
          work.resolve("www/css/site.css"),
          "body{font-family:sans-serif;margin:2em}\nh1{color:#345}\n");
      Files.writeString(
          work.resolve("www/app.js"),
          "fetch('/version.json').then(r=>r.json())"
              + ".then(v=>{document.getElementById('v').textContent=v.version})\n");
      Files.writeString(work.resolve("www/healthz"), "ok\n");
      pipelineFile(false);
      git(work, "init", "-q", "-b", "main");
      git(work, "remote", "add", "origin", bare.toString());
      commitAndPush("main");
    }

    /**
     * The pipeline file: checkout, build, push, sign; with {@code withEnclave} also the enclave
     * step over a Deployment of the image (the services' addresses are not contacted by the step).
     */
    void pipelineFile(boolean withEnclave) throws IOException {
      Files.createDirectories(work.resolve("deploy"));
      Files.writeString(
          work.resolve("deploy/web.yaml"),
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
              + "spec:\n  template:\n    spec:\n      containers:\n"
              + "        - {name: web, image: "
              + registry.address()
              + "/bench/web:latest}\n");
      Files.writeString(
          work.resolve(".cairn/pipeline.yaml"),
          "name: web\n"
              + "steps:\n"
              + "  - checkout: {}\n"
              + "    secrets: {GIT_TOKEN: git-token}\n"
              + "  - build\n"
              + "  - push: {registry: "
              + registry.address()
              + ", repository: bench/web, insecure: true}\n"
              + "  - sign: {}\n"
              + "    secrets: {SIGNING_KEY: signing-key}\n"
              + (withEnclave
                  ? "  - enclave: {attestation: 'http://10.88.0.1:8443', platform:"
                      + " 'http://10.88.0.1:7443', runtimeClassName: cairn-simulation,"
                      + " manifests: [deploy/web.yaml]}\n"
                      + "    secrets: {DB_PASSWORD: git-token}\n"
                  : ""));
    }

    /** Plain against enclaved runs, measured alternately in one process. */
    void printEnclave(List<double[]> plain, List<double[]> enclaved) {
      int total = STAGES.size() - 1;
      double[] a = plain.stream().mapToDouble(x -> x[total]).sorted().toArray();
      double[] b = enclaved.stream().mapToDouble(x -> x[total]).sorted().toArray();
      double[] e = enclaved.stream().mapToDouble(x -> x[9]).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "%nThe enclave step's overhead, runs alternating in one process (%d + %d runs)%n%n",
          a.length,
          b.length);
      System.out.println("| pipeline | runs | median ms | p10 ms | p90 ms | min ms | max ms |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      for (Object[] row :
          List.of(
              new Object[] {"webhook → pushed and signed", a},
              new Object[] {"webhook → pushed, signed and enclaved", b},
              new Object[] {"↳ enclave step", e})) {
        double[] v = (double[]) row[1];
        System.out.printf(
            Locale.ROOT,
            "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
            row[0],
            v.length,
            median(v),
            pct(v, 0.10),
            pct(v, 0.90),
            v[0],
            v[v.length - 1]);
      }
      System.out.printf(
          Locale.ROOT,
          "%nOverhead of the enclave step: %+.1f%% of the median run (target: at most +20%%;"
              + " seed 000: 26.0 s → 916.4 s, +3425%%)%n",
          100 * (median(b) / median(a) - 1));
    }

    /** A new revision of the app on {@code branch}, committed and pushed (not measured). */
    String commitAndPush(String branch) throws Exception {
      revision++;
      Files.writeString(
          work.resolve("www/version.json"),
          "{\"version\":\"1.0." + revision + "\",\"branch\":\"" + branch + "\"}\n");
      git(work, "add", "-A");
      git(work, "commit", "-q", "-m", "release 1.0." + revision);
      git(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
      return head();
    }

    String head() throws Exception {
      return git(work, "rev-parse", "HEAD").strip();
    }

    /** One webhook and the run it starts, to the end. */
    Sample sequential(
        HttpClient http,
        URI uri,
        RunEngine engine,
        String cloneUrl,
        String ref,
        String before,
        String commit)
        throws Exception {
      String delivery = UUID.randomUUID().toString();
      HttpRequest req = webhook(uri, push(cloneUrl, ref, before, commit), delivery);
      Instant sent = Instant.now();
      long t0 = System.nanoTime();
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      long accept = System.nanoTime() - t0;
      if (resp.statusCode() != 202) {
        throw new IllegalStateException(
            "the webhook was answered " + resp.statusCode() + ": " + resp.body());
      }
      Instant accepted = sent.plusNanos(accept);
      RunRecord r = awaitRun(engine, commit);
      return new Sample(stages(r, sent, accepted, accept), image(r));
    }

    /** Milliseconds per stage, in the order of {@link #STAGES}. */
    double[] stages(RunRecord r, Instant sent, Instant accepted, long acceptNanos) {
      Instant started = java.util.Objects.requireNonNull(r.started(), "started");
      double[] out = new double[STAGES.size()];
      out[0] = acceptNanos / 1e6;
      out[1] = ms(accepted, r.created());
      out[2] = ms(r.created(), started);
      double steps = 0;
      Instant last = started;
      Map<String, Integer> column =
          Map.of("checkout", 3, "build", 4, "push", 7, "sign", 8, "enclave", 9);
      for (int i = 0; i < r.steps().size(); i++) {
        StepRecord s = r.steps().get(i);
        Instant a = java.util.Objects.requireNonNull(s.started(), "step started");
        Instant b = java.util.Objects.requireNonNull(s.finished(), "step finished");
        out[column.getOrDefault(s.name(), 9)] = ms(a, b);
        steps += ms(a, b);
        last = b;
        if (s.name().equals("build")) {
          Instant archive = archiveWritten.getOrDefault(r.id(), a);
          out[5] = ms(a, archive);
          out[6] = ms(archive, registryWritten.getOrDefault(r.id(), archive));
        }
      }
      out[10] = ms(started, last) - steps;
      out[11] = ms(sent, last);
      return out;
    }

    RunRecord awaitRun(RunEngine engine, String commit) throws Exception {
      String id;
      try {
        id =
            runIdByCommit
                .computeIfAbsent(commit, c -> new CompletableFuture<>())
                .get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(
            "no run started for " + commit + ": " + String.join("; ", problems), e);
      }
      RunRecord r = engine.await(id, RUN_TIMEOUT);
      if (r.state() != RunState.SUCCEEDED) {
        throw new IllegalStateException(
            "run " + id + " of " + commit + " ended " + r.state() + ": " + r.failure());
      }
      return r;
    }

    static String image(RunRecord r) {
      return r.steps().stream()
          .filter(s -> s.outputs().containsKey("image"))
          .map(s -> s.outputs().get("image"))
          .findFirst()
          .orElseThrow();
    }

    /** The last image's signature and provenance, checked with Cairn's cosign verifier. */
    String verify(String image) throws Exception {
      ImageRef ref = ImageRef.parse(image);
      Cosign cosign = Cosign.using(Registries.builder().allowPlainHttp(registry.address()).build());
      cosign.verifySignature(ref, keys.getPublic(), Cosign.Storage.TAG);
      String statement =
          new String(
              cosign
                  .verifyAttestation(
                      ref, keys.getPublic(), "https://slsa.dev/provenance/v1", Cosign.Storage.BOTH)
                  .statement(),
              StandardCharsets.UTF_8);
      if (!statement.contains(head())) {
        throw new IllegalStateException("the provenance of " + image + " names another commit");
      }
      return image;
    }

    /**
     * {@code n} webhooks at once, each a commit on a branch of its own, and the runs they start.
     */
    Burst burst(
        HttpClient http,
        ExecutorService pool,
        URI uri,
        RunEngine engine,
        String cloneUrl,
        int n,
        int round)
        throws Exception {
      String main = head();
      List<String> commits = new ArrayList<>();
      List<HttpRequest> reqs = new ArrayList<>();
      List<String> deliveries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        git(work, "checkout", "-q", "--detach", main);
        String branch = "feature/b" + round + "-" + i;
        String commit = commitAndPush(branch);
        commits.add(commit);
        String delivery = UUID.randomUUID().toString();
        deliveries.add(delivery);
        reqs.add(
            webhook(uri, push(cloneUrl, "refs/heads/" + branch, "0".repeat(40), commit), delivery));
      }
      git(work, "checkout", "-q", "main");
      long[] latency = new long[n];
      int[] status = new int[n];
      long[] end = new long[n];
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        fs.add(
            pool.submit(
                () -> {
                  go.await();
                  long t0 = System.nanoTime();
                  HttpResponse<String> r =
                      http.send(reqs.get(k), HttpResponse.BodyHandlers.ofString());
                  end[k] = System.nanoTime();
                  latency[k] = end[k] - t0;
                  status[k] = r.statusCode();
                  return null;
                }));
      }
      long cpu0 = processCpuNanos();
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
      long cpu = processCpuNanos() - cpu0;
      double acceptSecs = (Arrays.stream(end).max().orElse(start) - start) / 1e9;
      int accepted = (int) Arrays.stream(status).filter(s -> s == 202).count();

      // every accepted delivery: exactly one run, and it finishes
      List<RunRecord> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (status[i] == 202) {
          done.add(awaitRun(engine, commits.get(i)));
        }
      }
      double allDone = (System.nanoTime() - start) / 1e9;
      Set<String> ids = done.stream().map(RunRecord::id).collect(Collectors.toSet());
      Map<String, Long> perDelivery =
          engine.store().list().stream()
              .filter(r -> deliveries.contains(r.trigger().deliveryId()))
              .collect(Collectors.groupingBy(r -> r.trigger().deliveryId(), Collectors.counting()));
      long exactlyOnce = perDelivery.values().stream().filter(c -> c == 1).count();

      // a replay of every delivery is refused and starts nothing
      int replayRefused = 0;
      for (HttpRequest r : reqs) {
        if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
          replayRefused++;
        }
      }
      long after =
          engine.store().list().stream()
              .filter(r -> deliveries.contains(r.trigger().deliveryId()))
              .count();
      double[] lat = Arrays.stream(latency).mapToDouble(l -> l / 1e6).toArray();
      double[] queue =
          done.stream()
              .mapToDouble(
                  r -> ms(r.created(), java.util.Objects.requireNonNull(r.started(), "started")))
              .toArray();
      return new Burst(
          n,
          accepted,
          accepted / acceptSecs,
          lat,
          ids.size(),
          exactlyOnce,
          (int) done.stream().filter(r -> r.state() == RunState.SUCCEEDED).count(),
          replayRefused,
          after - ids.size(),
          allDone,
          queue,
          cpu / 1e6 / Math.max(1, n));
    }

    HttpRequest webhook(URI uri, String body, String delivery) {
      String sig;
      synchronized (mac) {
        sig = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
      }
      return HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(30))
          .header("X-GitHub-Event", "push")
          .header("X-GitHub-Delivery", delivery)
          .header("X-Hub-Signature-256", "sha256=" + sig)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
    }

    /** A GitHub push event as GitHub sends it (the fields Cairn reads). */
    static String push(String cloneUrl, String ref, String before, String commit) {
      Map<String, Object> head = new LinkedHashMap<>();
      head.put("id", commit);
      head.put("message", "release");
      head.put("added", List.of());
      head.put("removed", List.of());
      head.put("modified", List.of("www/version.json"));
      Map<String, Object> repo = new LinkedHashMap<>();
      repo.put("name", "web");
      repo.put("full_name", "team/web");
      repo.put("clone_url", cloneUrl);
      repo.put("pushed_at", Instant.now().getEpochSecond());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ref", ref);
      m.put("before", before);
      m.put("after", commit);
      m.put("created", before.equals("0".repeat(40)));
      m.put("deleted", false);
      m.put("commits", List.of(head));
      m.put("head_commit", head);
      m.put("repository", repo);
      m.put("pusher", Map.of("name", "bench"));
      return Json.canonical(m);
    }

    /** Runs Debian's git in {@code dir}; its standard output. */
    static String git(Path dir, String... args) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>(List.of("git", "-c", "commit.gpgsign=false"));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("GIT_AUTHOR_NAME", "dev");
      env.put("GIT_AUTHOR_EMAIL", "dev@example.com");
      env.put("GIT_COMMITTER_NAME", "dev");
      env.put("GIT_COMMITTER_EMAIL", "dev@example.com");
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    }

    void print(
        int runs,
        List<double[]> measured,
        List<Double> cold,
        String verified,
        List<Burst> bursts,
        double[] loadBefore,
        double[] loadAfter) {
      System.out.printf(
          Locale.ROOT,
          "%nMachine: %d cores, load average %.2f %.2f %.2f before, %.2f %.2f %.2f after;"
              + " %s %s%n%n",
          Runtime.getRuntime().availableProcessors(),
          loadBefore[0],
          loadBefore[1],
          loadBefore[2],
          loadAfter[0],
          loadAfter[1],
          loadAfter[2],
          System.getProperty("java.vm.name"),
          System.getProperty("java.version"));
      System.out.printf(
          Locale.ROOT,
          "Webhook → pushed and signed, %d runs after %d warm-up runs (warm-up totals: %s ms)%n%n",
          runs,
          WARMUP,
          cold.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
      System.out.println("| stage | median ms | p10 ms | p90 ms | min ms | max ms |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      for (int s = 0; s < STAGES.size(); s++) {
        int k = s;
        double[] v = measured.stream().mapToDouble(a -> a[k]).sorted().toArray();
        System.out.printf(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
            STAGES.get(s),
            median(v),
            pct(v, 0.10),
            pct(v, 0.90),
            v[0],
            v[v.length - 1]);
      }
      long shallow = checkoutLines.stream().filter(l -> l.contains("(shallow)")).count();
      System.out.printf(
          Locale.ROOT,
          "%nCheckouts: %d of %d shallow. Last image %s: signature and SLSA provenance verify.%n",
          shallow,
          checkoutLines.size(),
          verified);
      System.out.println();
      System.out.println(
          "| burst | webhooks | accepted | accepted/s | p50 accept ms | p99 accept ms | max ms"
              + " | CPU ms per webhook"
              + " | runs | exactly one run | succeeded | replays refused | extra runs"
              + " | all finished s | median queue wait ms |");
      System.out.println(
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      int i = 0;
      for (Burst b : bursts) {
        double[] lat = b.latencyMs().clone();
        Arrays.sort(lat);
        double[] q = b.queueMs().clone();
        Arrays.sort(q);
        System.out.printf(
            Locale.ROOT,
            "| %d | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d | %.1f | %.0f"
                + " |%n",
            ++i,
            b.sent(),
            b.accepted(),
            b.acceptedPerSecond(),
            median(lat),
            pct(lat, 0.99),
            lat[lat.length - 1],
            b.cpuMsPerWebhook(),
            b.runs(),
            b.exactlyOnce(),
            b.succeeded(),
            b.replaysRefused(),
            b.extraRuns(),
            b.allFinishedSeconds(),
            q.length == 0 ? 0 : median(q));
      }
      System.out.println(problems.isEmpty() ? "" : "\nProblems the listener reported: " + problems);
    }
  }

  record Sample(double[] stages, String image) {}

  record Burst(
      int sent,
      int accepted,
      double acceptedPerSecond,
      double[] latencyMs,
      int runs,
      long exactlyOnce,
      int succeeded,
      int replaysRefused,
      long extraRuns,
      double allFinishedSeconds,
      double[] queueMs,
      double cpuMsPerWebhook) {}

  /** CPU time of this process so far (every thread), or 0 where the JVM cannot tell. */
  static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  static double ms(Instant a, Instant b) {
    return Duration.between(a, b).toNanos() / 1e6;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Nearest-rank percentile of sorted values. */
  static double pct(double[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double[] loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      return new double[] {-1, -1, -1};
    }
  }

  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not remove " + dir + ": " + e.getMessage());
    }
  }
}
