package dev.cairn.bench;

import dev.cairn.core.Secret;
import dev.cairn.pipeline.webhook.AuditSink;
import dev.cairn.pipeline.webhook.DeliveryStore;
import dev.cairn.pipeline.webhook.RateLimit;
import dev.cairn.pipeline.webhook.Trigger;
import dev.cairn.pipeline.webhook.WebhookConfig;
import dev.cairn.pipeline.webhook.WebhookServer;
import dev.cairn.pipeline.webhook.Webhooks;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Accept latency of the webhook listener: rounds of N concurrent signed GitHub push webhooks
 * (default 20) against a {@link WebhookServer} on 127.0.0.1, each answered after its delivery and
 * audit record are synced to disk. Prints p50/p99/max accept latency, accepted/s and whether any
 * was lost. Run: bench/run webhook [concurrency] [rounds].
 */
public final class WebhookBench {
  private WebhookBench() {}

  static final String SECRET = "bench-secret-0123456789abcdef0123456789";

  public static void main(String[] args) throws Exception {
    int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int warmup = 10;
    Path dir = Files.createTempDirectory("cairn-webhook-bench");
    AtomicLong taken = new AtomicLong();
    try (DeliveryStore store =
            DeliveryStore.file(
                dir.resolve("state"), DeliveryStore.Retention.DEFAULT, Clock.systemUTC());
        AuditSink audit = AuditSink.file(dir.resolve("state/audit.jsonl"))) {
      WebhookConfig config =
          WebhookConfig.builder(store, audit)
              .secretForAll(Secret.ofUtf8(SECRET))
              .rateLimit(new RateLimit(100_000, 100_000))
              .build();
      try (WebhookServer server =
              WebhookServer.start(
                  Webhooks.handler(config, (Trigger t) -> taken.incrementAndGet()),
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
          ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        HttpClient http = HttpClient.newBuilder().executor(pool).build();
        URI uri = URI.create(server.uri() + "/github");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong non202 = new AtomicLong();
        long seq = 0;
        long measuredStart = 0;
        long cpuStart = 0;
        for (int round = 0; round < warmup + rounds; round++) {
          if (round == warmup) {
            latencies.clear();
            measuredStart = System.nanoTime();
            cpuStart = PipelineBench.processCpuNanos();
          }
          List<HttpRequest> reqs = new ArrayList<>();
          for (int i = 0; i < concurrency; i++) {
            String body = push(seq++);
            String sig =
                HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            reqs.add(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("X-GitHub-Event", "push")
                    .header("X-GitHub-Delivery", "bench-" + seq)
                    .header("X-Hub-Signature-256", "sha256=" + sig)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build());
          }
          CountDownLatch go = new CountDownLatch(1);
          List<Future<?>> fs = new ArrayList<>();
          boolean measured = round >= warmup;
          for (HttpRequest r : reqs) {
            fs.add(
                pool.submit(
                    () -> {
                      go.await();
                      long t0 = System.nanoTime();
                      HttpResponse<String> resp =
                          http.send(r, HttpResponse.BodyHandlers.ofString());
                      long dt = System.nanoTime() - t0;
                      if (resp.statusCode() != 202) {
                        non202.incrementAndGet();
                      }
                      if (measured) {
                        latencies.add(dt);
                      }
                      return null;
                    }));
          }
          go.countDown();
          for (Future<?> f : fs) {
            f.get();
          }
        }
        double secs = (System.nanoTime() - measuredStart) / 1e9;
        double cpuMs = (PipelineBench.processCpuNanos() - cpuStart) / 1e6;
        long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long sent = (long) (warmup + rounds) * concurrency;
        System.out.printf(
            "%-12s %-10s %-10s %-10s %-10s %-12s %-12s %-10s%n",
            "concurrency",
            "requests",
            "p50 ms",
            "p99 ms",
            "max ms",
            "accepted/s",
            "CPU ms/req",
            "lost");
        System.out.printf(
            "%-12d %-10d %-10.2f %-10.2f %-10.2f %-12.0f %-12.2f %-10d%n",
            concurrency,
            l.length,
            pct(l, 0.50) / 1e6,
            pct(l, 0.99) / 1e6,
            l[l.length - 1] / 1e6,
            l.length / secs,
            cpuMs / l.length,
            sent - taken.get() + non202.get());
        System.out.println(
            "(rounds of "
                + concurrency
                + " concurrent requests after "
                + warmup
                + " warm-up rounds; each answer follows a synced delivery record and audit line;"
                + " deliveries remembered: "
                + store.size()
                + ")");
      }
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static long pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String push(long n) {
    String after = String.format("%040x", n + 1);
    return "{\"ref\":\"refs/heads/main\",\"before\":\""
        + "0".repeat(39)
        + "1\",\"after\":\""
        + after
        + "\",\"created\":false,\"deleted\":false,\"commits\":[{\"id\":\""
        + after
        + "\",\"added\":[\"src/F"
        + n
        + ".java\"],\"removed\":[],\"modified\":[]}],\"head_commit\":{\"id\":\""
        + after
        + "\"},\"repository\":{\"name\":\"app\",\"full_name\":\"team/app\",\"clone_url\":"
        + "\"https://git.example/team/app.git\",\"pushed_at\":"
        + (System.currentTimeMillis() / 1000)
        + "},\"pusher\":{\"name\":\"bench\"}}";
  }
}
