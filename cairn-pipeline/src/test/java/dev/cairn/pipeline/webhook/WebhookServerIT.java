package dev.cairn.pipeline.webhook;

import static dev.cairn.pipeline.webhook.Hooks.SHA_A;
import static dev.cairn.pipeline.webhook.Hooks.SHA_B;
import static dev.cairn.pipeline.webhook.Hooks.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real HTTP requests with real signatures against a {@link WebhookServer} on 127.0.0.1. */
class WebhookServerIT {
  @TempDir Path dir;
  final List<Trigger> triggers = Collections.synchronizedList(new ArrayList<>());
  final List<String> responses = Collections.synchronizedList(new ArrayList<>());
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  DeliveryStore store;
  AuditSink audit;
  WebhookServer server;

  WebhookServer start(RateLimit limit, long maxBody) throws Exception {
    store =
        DeliveryStore.file(
            dir.resolve("state"), DeliveryStore.Retention.DEFAULT, Clock.systemUTC());
    audit = AuditSink.file(dir.resolve("state/audit.jsonl"));
    WebhookConfig config =
        WebhookConfig.builder(store, audit)
            .secretForAll(Hooks.secret())
            .rateLimit(limit)
            .maxBodyBytes(maxBody)
            .build();
    server =
        WebhookServer.start(
            Webhooks.handler(config, triggers::add),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return server;
  }

  WebhookServer start() throws Exception {
    return start(new RateLimit(1000, 1000), WebhookConfig.DEFAULT_MAX_BODY_BYTES);
  }

  void stop() throws Exception {
    if (server != null) {
      server.close();
      server = null;
    }
    if (store != null) {
      store.close();
      audit.close();
      store = null;
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    stop();
  }

  HttpResponse<String> post(String path, Map<String, List<String>> headers, byte[] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      for (String v : h.getValue()) {
        b.header(h.getKey(), v);
      }
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    responses.add(r.headers().map() + "\n" + r.body());
    return r;
  }

  HttpResponse<String> post(String path, Map<String, List<String>> headers, String body)
      throws Exception {
    return post(path, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  List<String> audit() throws Exception {
    return Files.readAllLines(dir.resolve("state/audit.jsonl"));
  }

  @Test
  void signedPush_isAccepted_onEachForgesPath_andByHeadersAtHooks() throws Exception {
    start();
    String gh = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of("src/Main.java"));
    HttpResponse<String> r = post("/github", Hooks.github("push", "it-gh-1", gh), gh);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body())
        .isEqualTo(
            "{\"commit\":\""
                + SHA_B
                + "\",\"delivery\":\"it-gh-1\",\"ref\":\"refs/heads/main\","
                + "\"repository\":\"team/app\",\"source\":\"github\",\"status\":\"accepted\"}");

    String gl = Hooks.gitlabPush("push", "refs/heads/main", SHA_A, SHA_B);
    assertThat(post("/gitlab", Hooks.gitlab("Push Hook", "it-gl-1", Hooks.SECRET), gl).statusCode())
        .isEqualTo(202);
    String gt = Hooks.giteaPush("refs/heads/main", SHA_A, SHA_B);
    assertThat(post("", Hooks.gitea("push", "it-gt-1", gt), gt).statusCode()).isEqualTo(202);

    assertThat(triggers)
        .extracting(Trigger::source)
        .containsExactly(SourceKind.GITHUB, SourceKind.GITLAB, SourceKind.GITEA);
    assertThat(triggers.get(0).changedPaths()).containsExactly("src/Main.java");
    assertThat(audit()).hasSize(3).allMatch(l -> l.contains("\"outcome\":\"accepted\""));
  }

  @Test
  void ping_is200() throws Exception {
    start();
    String body = "{\"zen\":\"Design for failure.\",\"hook_id\":7}";
    HttpResponse<String> r = post("/github", Hooks.github("ping", "it-ping", body), body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"delivery\":\"it-ping\",\"status\":\"ping\"}");
  }

  @Test
  void forged_is401_withAnEmptyBody_andAnAuditRecord() throws Exception {
    start();
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Map<String, List<String>> headers = Hooks.github("push", "it-forged", body);
    String tampered = body.replace("alice", "mallory");
    HttpResponse<String> r = post("/github", headers, tampered);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("Content-Type")).isEmpty();
    assertThat(triggers).isEmpty();
    assertThat(audit())
        .singleElement()
        .asString()
        .contains("\"outcome\":\"refused\"", "\"status\":401")
        .contains("a signature that does not match the body")
        .contains("\"remote\":\"127.0.0.1\"")
        .doesNotContain("mallory");
  }

  @Test
  void replayed_is401_alsoAfterARestart() throws Exception {
    start();
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Map<String, List<String>> headers = Hooks.github("push", "it-replay", body);
    assertThat(post("/github", headers, body).statusCode()).isEqualTo(202);
    HttpResponse<String> again = post("/github", headers, body);
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.body()).isEmpty();

    stop();
    start();
    assertThat(post("/github", headers, body).statusCode()).isEqualTo(401);
    assertThat(triggers).hasSize(1);
    assertThat(audit().get(audit().size() - 1)).contains("a delivery id or body seen before");
  }

  @Test
  void oversized_is413() throws Exception {
    start();
    byte[] big = new byte[(int) WebhookConfig.DEFAULT_MAX_BODY_BYTES + 16 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<String> r = post("/github", Hooks.github("push", "it-big", "x"), big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("\"limitBytes\":1048576");
    assertThat(audit()).singleElement().asString().contains("\"outcome\":\"too-large\"");

    // chunked, with no Content-Length: reading stops one byte past the cap
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.uri() + "/github"))
            .timeout(Duration.ofSeconds(20))
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(big)));
    Hooks.github("push", "it-big-2", "x").forEach((k, v) -> b.header(k, v.get(0)));
    HttpResponse<String> chunked = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(audit())
        .hasSize(2)
        .last()
        .asString()
        .contains("\"bodyBytes\":" + (WebhookConfig.DEFAULT_MAX_BODY_BYTES + 1));
  }

  @Test
  void rateLimited_is429_withRetryAfter() throws Exception {
    start(new RateLimit(2, 0.01), WebhookConfig.DEFAULT_MAX_BODY_BYTES);
    List<Integer> codes = new ArrayList<>();
    HttpResponse<String> last = null;
    for (int i = 0; i < 4; i++) {
      String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of("f" + i));
      last = post("/github", Hooks.github("push", "it-rl-" + i, body), body);
      codes.add(last.statusCode());
    }
    assertThat(codes).containsExactly(202, 202, 429, 429);
    assertThat(last.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
    assertThat(audit().stream().filter(l -> l.contains("rate-limited"))).hasSize(1);
  }

  @Test
  void deletion_is202_withTheReason() throws Exception {
    start();
    String body = Hooks.githubPush("refs/heads/feature/x", SHA_A, ZERO, List.of());
    HttpResponse<String> r = post("/github", Hooks.github("push", "it-del", body), body);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body())
        .isEqualTo("{\"reason\":\"refs/heads/feature/x was deleted\",\"status\":\"ignored\"}");
    assertThat(triggers).isEmpty();
  }

  @Test
  void otherPathsAndMethods_areNotServed() throws Exception {
    start();
    assertThat(post("/bitbucket", Map.of(), "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(server.uri()).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void secret_neverInResponsesAuditOrToString() throws Exception {
    start();
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Map<String, List<String>> gh = Hooks.github("push", "it-s1", body);
    post("/github", gh, body);
    post("/github", gh, body); // replayed
    post("/github", Hooks.github("push", "it-s2", body + " "), body); // forged
    post("/gitlab", Hooks.gitlab("Push Hook", "it-s3", Hooks.SECRET + "-wrong"), body);
    post(
        "/gitlab",
        Hooks.gitlab("Push Hook", "it-s4", Hooks.SECRET),
        Hooks.gitlabPush("push", "refs/heads/main", SHA_B, SHA_A));
    String signature = gh.get("X-Hub-Signature-256").get(0).substring("sha256=".length());

    byte[] auditBytes = Files.readAllBytes(dir.resolve("state/audit.jsonl"));
    String auditText = new String(auditBytes, StandardCharsets.UTF_8);
    assertThat(auditText.lines()).hasSize(5);
    assertThat(auditText).doesNotContain(Hooks.SECRET).doesNotContain(signature);
    assertThat(String.join("\n", responses)).doesNotContain(Hooks.SECRET).doesNotContain(signature);
    assertThat(server.toString() + triggers + store + audit)
        .doesNotContain(Hooks.SECRET)
        .doesNotContain(signature);
  }

  @Test
  void close_stopsServing() throws Exception {
    start();
    URI uri = server.uri();
    server.close();
    server = null;
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }
}
