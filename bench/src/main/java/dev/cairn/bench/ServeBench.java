package dev.cairn.bench;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.source.LocalForge;
import dev.cairn.pipeline.webhook.RateLimit;
import dev.cairn.server.CairnServer;
import dev.cairn.server.ServerConfig;
import dev.cairn.server.ServerStores;
import dev.cairn.server.store.Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code cairn serve} under load on 127.0.0.1: signed GitHub pushes at a fixed rate (default
 * 200/s) from a local git forge, each a real trigger whose pipeline (one {@code run} step, {@code
 * true}) the server reads from the pushed commit and queues, together with API reads with a Viewer
 * token (runs, one run, clusters; default 50/s), for a bounded time (default 60 s, after a 5 s
 * warm-up). Open loop: every request has a scheduled send time and its latency is measured from it,
 * so a slow server cannot slow the load down and hide its own queueing (coordinated omission).
 *
 * <p>Then the server is stopped and started again over the same stores, and every accepted delivery
 * must have a run record (queued, running, finished or interrupted): the number without one is
 * printed as {@code lost: N} and makes the exit status 1.
 *
 * <p>Run: {@code bench/run serve [seconds] [webhooks/s] [reads/s] [drain seconds] [--files]} (the
 * embedded H2 database by default, {@code --files} for the file stores).
 */
public final class ServeBench {
  private ServeBench() {}

  static final String SECRET = "serve-bench-secret-0123456789abcdef0123";
  // every run kept: the check after the restart looks for each one (the default keeps 20)
  static final String PIPELINE =
      "name: app\nretention: {keepSuccessful: 100000, keepFailed: 100000}\n"
          + "steps:\n  - name: main\n    run: {command: [\"true\"]}\n";
  static final int WARMUP_SECONDS = 5;
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** Outcomes and latencies of one kind of request. */
  static final class Stats {
    final String name;
    final LongAdder sent = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    final AtomicLong lastDone = new AtomicLong();
    @Nullable volatile String firstError;

    Stats(String name) {
      this.name = name;
    }

    void done(int status, long due, boolean measured) {
      long now = System.nanoTime();
      lastDone.accumulateAndGet(now, Math::max);
      if (status / 100 == 2) {
        ok.increment();
        if (measured) {
          latencies.add(now - due);
        }
      } else {
        refused.increment();
        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
      }
    }

    void failed(Exception e) {
      lastDone.accumulateAndGet(System.nanoTime(), Math::max);
      errors.increment();
      if (firstError == null) {
        firstError = e.toString();
      }
    }
  }

  /** The stores a server runs over, and what closes them after it. */
  private record Opened(ServerStores stores, @Nullable Storage storage) implements AutoCloseable {
    static Opened open(boolean files, CairnHome home) throws Exception {
      if (files) {
        return new Opened(ServerStores.files(home), null);
      }
      Storage s = Storage.open(null, home, Clock.systemUTC());
      return new Opened(ServerStores.database(s, home), s);
    }

    @Override
    public void close() {
      if (storage != null) {
        storage.close();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    boolean files = false;
    boolean keep = false;
    List<Integer> nums = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--files")) {
        files = true;
      } else if (a.equals("--keep")) {
        keep = true;
      } else {
        nums.add(Integer.parseInt(a));
      }
    }
    int seconds = nums.size() > 0 ? nums.get(0) : 60;
    int rate = nums.size() > 1 ? nums.get(1) : 200;
    int readRate = nums.size() > 2 ? nums.get(2) : 50;
    int drainSeconds = nums.size() > 3 ? nums.get(3) : 30;
    Path dir = Files.createTempDirectory("cairn-serve-bench");
    int lost;
    try {
      lost = run(dir, files, seconds, rate, readRate, drainSeconds);
    } finally {
      if (keep) {
        System.out.println("kept: " + dir);
      } else {
        deleteTree(dir);
      }
    }
    if (lost > 0) {
      System.exit(1);
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    {
      try (var s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int run(
      Path dir, boolean files, int seconds, int rate, int readRate, int drainSeconds)
      throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    Files.createDirectories(home.root());
    String loadBefore = loadAverage();
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    List<String> runIds = new CopyOnWriteArrayList<>();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    Consumer<String> events =
        e -> {
          if (e.startsWith("run ")) {
            String[] w = e.split(" ");
            if (w.length > 1) {
              runIds.add(w[1]);
            }
          } else {
            problems.add(e);
          }
        };
    Stats hooks = new Stats("webhooks");
    Stats reads = new Stats("reads");
    Map<String, Stats> byPath = new TreeMap<>();
    for (String p : List.of("GET /api/v1/runs", "GET /api/v1/runs/{id}", "GET /api/v1/clusters")) {
      byPath.put(p, new Stats(p));
    }
    long measuredFrom;
    long scheduleEnd;
    int before;
    long stopMillis;
    int lost;
    try (LocalForge forge = LocalForge.start(dir.resolve("forge"), Clock.systemUTC())) {
      LocalForge.Push push =
          forge.commit("app", Map.of(".cairn/pipeline.yaml", PIPELINE), "the bench's pipeline");
      Secret secret = Secret.ofUtf8(SECRET);
      // every push its own commit, as from a forge: the engine runs a commit once, whatever
      // the number of deliveries naming it
      List<String> commits =
          commitsAfter(
              dir.resolve("forge/srv/app.git"),
              push.commit(),
              (seconds + WARMUP_SECONDS + 1) * Math.max(rate, 1));
      AtomicLong next = new AtomicLong();
      Opened opened = Opened.open(files, home);
      Secret viewer =
          opened
              .stores()
              .tokens()
              .create("bench-viewer", Set.of(Duty.VIEWER), Instant.now())
              .secret();
      String bearer = "Bearer " + new String(viewer.bytes(), StandardCharsets.UTF_8);
      CairnServer server = CairnServer.start(config(home, secret), opened.stores(), events);
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        HttpClient http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(pool)
                .build();
        URI hookUri = URI.create(server.uri() + "/hooks/github");
        String base = server.uri().toString();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        measuredFrom = start + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
        scheduleEnd = measuredFrom + TimeUnit.SECONDS.toNanos(seconds);
        Phaser inFlight = new Phaser(1);
        long mf = measuredFrom;
        Thread hookDriver =
            drive(
                "webhook-driver",
                start,
                scheduleEnd,
                rate,
                pool,
                inFlight,
                due -> {
                  int i = (int) next.getAndIncrement();
                  String delivery = UUID.randomUUID().toString();
                  byte[] body =
                      push(
                          forge.cloneUrl("app"),
                          i == 0 ? push.commit() : commits.get(i - 1),
                          commits.get(Math.min(i, commits.size() - 1)));
                  HttpRequest.Builder b =
                      HttpRequest.newBuilder(hookUri)
                          .timeout(TIMEOUT)
                          .header("X-GitHub-Event", "push")
                          .header("X-GitHub-Delivery", delivery)
                          .header("X-Hub-Signature-256", "sha256=" + hmac(body))
                          .header("Content-Type", "application/json");
                  hooks.sent.increment();
                  try {
                    HttpResponse<String> r =
                        http.send(
                            b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() / 100 == 2) {
                      accepted.add(delivery);
                    }
                    hooks.done(r.statusCode(), due, due >= mf);
                  } catch (Exception e) {
                    hooks.failed(e);
                  }
                });
        AtomicLong n = new AtomicLong();
        Thread readDriver =
            drive(
                "read-driver",
                start,
                scheduleEnd,
                readRate,
                pool,
                inFlight,
                due -> {
                  long i = n.getAndIncrement();
                  String key;
                  String path;
                  int size = runIds.size();
                  if (i % 3 == 1 && size > 0) {
                    key = "GET /api/v1/runs/{id}";
                    path =
                        "/api/v1/runs/"
                            + runIds.get(
                                size - 1 - ThreadLocalRandom.current().nextInt(Math.min(size, 50)));
                  } else if (i % 3 == 2) {
                    key = "GET /api/v1/clusters";
                    path = "/api/v1/clusters";
                  } else {
                    key = "GET /api/v1/runs";
                    path = "/api/v1/runs";
                  }
                  Stats one = java.util.Objects.requireNonNull(byPath.get(key));
                  reads.sent.increment();
                  one.sent.increment();
                  try {
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(TIMEOUT)
                                .header("Authorization", bearer)
                                .GET()
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    reads.done(r.statusCode(), due, due >= mf);
                    one.done(r.statusCode(), due, due >= mf);
                  } catch (Exception e) {
                    reads.failed(e);
                    one.failed(e);
                  }
                });
        hookDriver.join();
        readDriver.join();
        inFlight.arriveAndAwaitAdvance();
      }
      before = missing(opened.stores(), accepted).size();
      long t0 = System.nanoTime();
      server.close();
      stopMillis = (System.nanoTime() - t0) / 1_000_000;
      opened.close();
      String loadAfter = loadAverage();

      double window = seconds;
      System.out.printf(
          "cairn serve under load: %d s (after %d s warm-up), %s stores, workers 2, 2 cores%n",
          seconds, WARMUP_SECONDS, files ? "file" : "embedded H2");
      System.out.printf(
          "%-24s %7s %7s %8s %7s %9s %8s %8s %8s %8s %8s%n",
          "requests (measured)",
          "sent",
          "2xx",
          "refused",
          "errors",
          "2xx/s",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "p99.9 ms",
          "max ms");
      row(hooks, rate, window);
      row(reads, readRate, window);
      for (Stats s : byPath.values()) {
        row(s, readRate / 3.0, window);
      }
      for (Stats s : List.of(hooks, reads)) {
        if (!s.statuses.isEmpty() || s.firstError != null) {
          System.out.println(
              "  "
                  + s.name
                  + (s.statuses.isEmpty() ? "" : " refused by status: " + new TreeMap<>(s.statuses))
                  + (s.firstError == null ? "" : " first error: " + s.firstError));
        }
      }
      System.out.printf(
          "(latency from each request's scheduled send time; counts include the warm-up;"
              + " offered %d webhooks/s and %d reads/s)%n",
          rate, readRate);
      System.out.printf(
          "target p99 <= 50 ms: accepts %s, reads %s%n", verdict(hooks), verdict(reads));
      System.out.println("load average before: " + loadBefore + "; after: " + loadAfter);
      System.out.printf(
          "stop: %d ms; accepted deliveries without a run record when it stopped: %d (kept in the"
              + " durable inbox)%n",
          stopMillis, before);

      // the same stores again: every accepted delivery must become (or already be) a run record
      long t1 = System.nanoTime();
      Opened again = Opened.open(files, home);
      CairnServer restarted =
          CairnServer.start(config(home, Secret.ofUtf8(SECRET)), again.stores(), events);
      Set<String> missing;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
      Map<String, Integer> states;
      while (true) {
        missing = missing(again.stores(), accepted);
        if (missing.isEmpty() || System.nanoTime() > deadline) {
          break;
        }
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
      }
      states = states(again.stores(), accepted);
      Set<String> waiting = inbox(home);
      waiting.retainAll(accepted);
      missing = missing(again.stores(), accepted);
      missing.removeAll(waiting);
      restarted.close();
      again.close();
      lost = missing.size();
      System.out.printf(
          "after the restart and %.1f s: %d accepted deliveries: run records by state %s;"
              + " %d triggers still in the durable inbox (the next start queues them)%n",
          (System.nanoTime() - t1) / 1e9, accepted.size(), states, waiting.size());
      if (!problems.isEmpty()) {
        System.out.println(
            "server problems: " + problems.size() + ", first: " + problems.iterator().next());
      }
    }
    System.out.println("lost: " + lost);
    return lost;
  }

  /** {@code n} commits on main after {@code head} in the bare repository, by git fast-import. */
  static List<String> commitsAfter(Path bare, String head, int n) throws Exception {
    Path script = Files.createTempFile("cairn-bench-commits", ".fi");
    try (var w = Files.newBufferedWriter(script, StandardCharsets.UTF_8)) {
      long t = Instant.now().getEpochSecond();
      for (int i = 1; i <= n; i++) {
        String msg = "change " + i + "\n";
        String file = i + "\n";
        w.write("commit refs/heads/main\nmark :" + i + "\n");
        w.write("committer bench <bench@cairn.invalid> " + t + " +0000\n");
        w.write("data " + msg.length() + "\n" + msg);
        w.write("from " + (i == 1 ? head : ":" + (i - 1)) + "\n");
        w.write("M 100644 inline src/change.txt\ndata " + file.length() + "\n" + file + "\n");
      }
    }
    git(bare, script, "fast-import", "--quiet");
    Files.delete(script);
    Path out = Files.createTempFile("cairn-bench-commits", ".txt");
    try {
      new ProcessBuilder("git", "-C", bare.toString(), "rev-list", "--reverse", head + "..main")
          .redirectOutput(out.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start()
          .waitFor();
      List<String> shas = Files.readAllLines(out);
      if (shas.size() != n) {
        throw new IllegalStateException("git made " + shas.size() + " commits, not " + n);
      }
      return shas;
    } finally {
      Files.delete(out);
    }
  }

  private static void git(Path bare, Path input, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", bare.toString()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(input.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("git " + String.join(" ", args) + " failed");
    }
  }

  /** A GitHub push of {@code after} (parent {@code before}), as GitHub sends it. */
  static byte[] push(String cloneUrl, String before, String after) {
    Map<String, Object> head = new java.util.LinkedHashMap<>();
    head.put("id", after);
    head.put("message", "change");
    head.put("added", List.of());
    head.put("removed", List.of());
    head.put("modified", List.of("src/change.txt"));
    Map<String, Object> p = new java.util.LinkedHashMap<>();
    p.put("ref", "refs/heads/main");
    p.put("before", before);
    p.put("after", after);
    p.put("created", false);
    p.put("deleted", false);
    p.put("commits", List.of(head));
    p.put("head_commit", head);
    p.put(
        "repository",
        Map.of(
            "name",
            "app",
            "full_name",
            "demo/app",
            "clone_url",
            cloneUrl,
            "pushed_at",
            Instant.now().getEpochSecond()));
    p.put("pusher", Map.of("name", "bench"));
    return dev.cairn.core.Json.canonical(p).getBytes(StandardCharsets.UTF_8);
  }

  private static String hmac(byte[] body) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  private static ServerConfig config(CairnHome home, Secret secret) throws Exception {
    return ServerConfig.builder(home)
        .host("127.0.0.1")
        .port(0)
        .webhookSecret(secret)
        .hostEnv(System.getenv())
        .workers(2)
        // the load comes from one address: the per-source limits would refuse it by design
        .webhookRateLimit(new RateLimit(1_000_000, 1_000_000))
        .rateLimit(new RateLimit(1_000_000, 1_000_000))
        .stopGrace(Duration.ofSeconds(5))
        .build();
  }

  /** A platform thread that hands one task a time to {@code pool} at its scheduled time. */
  private static Thread drive(
      String name,
      long start,
      long end,
      int perSecond,
      ExecutorService pool,
      Phaser inFlight,
      Consumer<Long> task) {
    return Thread.ofPlatform()
        .name(name)
        .start(
            () -> {
              if (perSecond <= 0) {
                return;
              }
              double gap = 1e9 / perSecond;
              for (long i = 0; ; i++) {
                long due = start + (long) (i * gap);
                if (due >= end) {
                  return;
                }
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                  LockSupport.parkNanos(wait);
                }
                inFlight.register();
                pool.execute(
                    () -> {
                      try {
                        task.accept(due);
                      } finally {
                        inFlight.arriveAndDeregister();
                      }
                    });
              }
            });
  }

  private static Set<String> missing(ServerStores stores, Set<String> accepted) throws Exception {
    Set<String> have = new HashSet<>();
    for (RunRecord r : stores.runs().list()) {
      have.add(r.trigger().deliveryId());
    }
    Set<String> out = new HashSet<>(accepted);
    out.removeAll(have);
    return out;
  }

  /** The delivery ids of the triggers waiting in the webhook inbox (pending or kept as failed). */
  private static Set<String> inbox(CairnHome home) throws Exception {
    Set<String> out = new HashSet<>();
    Path dir = home.dir("webhooks").resolve("inbox");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try {
          Object id = dev.cairn.core.Json.parseObject(Files.readString(f)).get("deliveryId");
          if (id instanceof String d) {
            out.add(d);
          }
        } catch (RuntimeException | java.io.IOException e) {
          // a file being moved as it is read: counted on the next look
        }
      }
    }
    return out;
  }

  private static Map<String, Integer> states(ServerStores stores, Set<String> accepted)
      throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (RunRecord r : stores.runs().list()) {
      if (accepted.contains(r.trigger().deliveryId())) {
        out.merge(r.state().id(), 1, Integer::sum);
      }
    }
    return out;
  }

  private static void row(Stats s, double offered, double window) {
    long[] l = s.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "%-24s %7d %7d %8d %7d %9.1f %8s %8s %8s %8s %8s%n",
        s.name,
        s.sent.sum(),
        s.ok.sum(),
        s.refused.sum(),
        s.errors.sum(),
        l.length / window,
        ms(l, 0.50),
        ms(l, 0.90),
        ms(l, 0.99),
        ms(l, 0.999),
        ms(l, 1.0));
  }

  private static String verdict(Stats s) {
    long[] l = s.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    if (l.length == 0) {
      return "no answers";
    }
    double p99 = WebhookBench.pct(l, 0.99) / 1e6;
    return String.format("%.1f ms %s", p99, p99 <= 50 ? "(met)" : "(MISSED)");
  }

  private static String ms(long[] sorted, double p) {
    return sorted.length == 0 ? "-" : String.format("%.1f", WebhookBench.pct(sorted, p) / 1e6);
  }

  private static String loadAverage() {
    try {
      String[] w = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return w[0] + " " + w[1] + " " + w[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
