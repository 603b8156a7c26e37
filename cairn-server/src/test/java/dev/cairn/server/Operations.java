package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.deploy.rollout.Revision;
import dev.cairn.deploy.rollout.Rollouts;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.server.schedule.ScanJob;
import dev.cairn.server.store.ClusterStore;
import dev.cairn.server.store.ScanStore;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Every operation of the served OpenAPI document, with real values for its parameters from a {@link
 * ServerFixture} that holds a finished run, certificates, a deploy target and tokens.
 */
final class Operations {
  static final ObjectMapper MAPPER = new ObjectMapper();

  record Op(String id, String method, String template, JsonNode spec) {}

  final ServerFixture f;
  final JsonNode doc;
  final String runId;
  final String certDigest;
  final String clusterId;
  final long scanId;
  final String jobId;
  final Path kubeconfig;

  Operations(ServerFixture f) throws Exception {
    this.f = f;
    try (InputStream in =
        Operations.class.getResourceAsStream("/dev/cairn/server/http/openapi.json")) {
      this.doc = MAPPER.readTree(in);
    }
    RunRecord r = f.submit(f.project("ops-fixture", "echo fixture-line"));
    this.runId = f.awaitFinished(r.id()).id();
    Rollouts.fileHistory(f.home)
        .record(
            "web",
            new Revision(
                1,
                "deploy",
                "0123456789abcdef0123456789abcdef01234567",
                List.of("127.0.0.1:5000/web@sha256:" + "a".repeat(64)),
                Instant.parse("2026-12-01T10:00:00Z"),
                "ops",
                "passed: image verified, cluster certified",
                Revision.Outcome.DEPLOYED,
                null,
                null),
            List.of());
    var shelved = f.server.config().home();
    var all = CertificateShelf.in(shelved).list(new ArrayList<>());
    this.certDigest = all.get(0).digest();
    this.clusterId = all.get(0).certificate().clusterId().toString();
    // a registered cluster with a real scan (of manifests) stored, and a scan job that has ended
    this.kubeconfig = f.brokenKubeconfig();
    f.stores
        .clusters()
        .put(new ClusterStore.Cluster("ops", kubeconfig.toString(), "0 3 * * *", Instant.now()));
    Path manifest = f.dir.resolve("ops-pod.yaml");
    java.nio.file.Files.writeString(
        manifest,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n"
            + "  containers:\n  - name: web\n    image: nginx:latest\n");
    ScanReport report =
        Scanners.create(ScanOptions.defaults())
            .scan(
                List.of(ObjectSources.manifests(List.of(manifest), InputStream.nullInputStream())));
    java.io.StringWriter json = new java.io.StringWriter();
    Reports.write(report, ReportFormat.JSON, json, false);
    this.scanId =
        f.stores
            .scans()
            .add(
                new ScanStore.Scan(
                    0, "ops", Instant.now(), Map.of("cis", Map.of("high", 2)), json.toString()))
            .id();
    ScanJob job = f.server.scheduler().scanNow("ops");
    job.done().get(2, java.util.concurrent.TimeUnit.MINUTES);
    this.jobId = job.id();
  }

  List<Op> all() {
    List<Op> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
    while (paths.hasNext()) {
      var p = paths.next();
      Iterator<Map.Entry<String, JsonNode>> ms = p.getValue().fields();
      while (ms.hasNext()) {
        var m = ms.next();
        out.add(
            new Op(
                m.getValue().get("operationId").asText(),
                m.getKey().toUpperCase(java.util.Locale.ROOT),
                p.getKey(),
                m.getValue()));
      }
    }
    return out;
  }

  /** The duties the document says an operation needs (empty: open). */
  static Set<Duty> duties(Op op) {
    Set<Duty> out = new java.util.HashSet<>();
    op.spec().get("x-cairn-duties").forEach(d -> out.add(Duty.parse(d.asText()).orElseThrow()));
    return out;
  }

  /** Calls {@code op} with {@code token} (null: none) and real arguments. */
  HttpResponse<String> call(Op op, Secret token) throws Exception {
    String path =
        op.template()
            .replace("{source}", "github")
            .replace("{step}", "main")
            .replace("{cluster}", clusterId)
            .replace("{digest}", certDigest)
            .replace("{target}", "web")
            .replace("{asset}", "app.js");
    if (op.id().equals("deleteSchedule")) {
      f.stores
          .clusters()
          .put(
              new ClusterStore.Cluster(
                  "throwaway", kubeconfig.toString(), "@daily", Instant.now()));
      path = path.replace("{name}", "throwaway");
    }
    path = path.replace("{name}", "ops").replace("{job}", jobId);
    if (path.startsWith("/api/v1/scans/{id}")) {
      path = path.replace("{id}", Long.toString(scanId));
    }
    if (path.contains("/tokens/{id}")) {
      String id;
      try (var t = f.tokenStore()) {
        id = t.create("throwaway", Set.of(Duty.VIEWER), Instant.now()).token().id();
      }
      // the server's store reads the file it shares
      path = path.replace("{id}", id);
    }
    path = path.replace("{id}", runId);
    String body = null;
    if (op.id().equals("createToken")) {
      body = "{\"name\":\"made-by-test\",\"duties\":[\"Dev\"]}";
    }
    if (op.id().equals("putSchedule")) {
      body =
          Json.canonical(
              Map.of("kubeconfig", kubeconfig.toString(), "schedule", "30 2 * * MON-FRI"));
    }
    if (op.id().equals("receiveWebhook")) {
      return ping(token);
    }
    return f.send(op.method(), path, token, body);
  }

  /** A signed GitHub ping to {@code /hooks/github}. */
  HttpResponse<String> ping(Secret token) throws Exception {
    byte[] body =
        // a new body each time: the same body twice is refused as a replay
        ("{\"zen\":\"Keep it logically awesome " + UUID.randomUUID() + "\",\"hook_id\":1}")
            .getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            ServerFixture.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(f.uri("/hooks/github"))
            .timeout(Duration.ofSeconds(30))
            .header("X-GitHub-Event", "ping")
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + new String(token.bytes(), StandardCharsets.UTF_8));
    }
    return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
