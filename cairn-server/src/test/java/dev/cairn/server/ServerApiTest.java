package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API over real HTTP on 127.0.0.1, backed by the file stores of a fresh home. */
class ServerApiTest {
  @TempDir Path dir;
  ServerFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new ServerFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void health_readiness_andSecurityHeaders_onEveryResponse() throws Exception {
    HttpResponse<String> h = f.get("/healthz", null);
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(ServerFixture.json(h)).containsEntry("status", "ok");
    assertThat(ServerFixture.json(f.get("/readyz", null))).containsEntry("status", "ready");
    for (HttpResponse<String> r :
        List.of(h, f.get("/api/v1/runs", null), f.get("/no/such/page", Duty.VIEWER))) {
      var hs = r.headers();
      assertThat(hs.firstValue("Content-Security-Policy").orElseThrow())
          .contains("script-src 'self'")
          .contains("frame-ancestors 'none'")
          .doesNotContain("unsafe-inline");
      assertThat(hs.firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(hs.firstValue("Referrer-Policy")).hasValue("no-referrer");
      assertThat(hs.firstValue("Server")).isEmpty();
    }
    assertThat(f.get("/no/such/page", Duty.VIEWER).statusCode()).isEqualTo(404);
  }

  @Test
  void runs_listGetAndLogs_showTheFirstFailingStep() throws Exception {
    RunRecord ok = f.awaitFinished(f.submit(f.project("good", "echo one; echo two")).id());
    RunRecord bad = f.awaitFinished(f.submit(f.project("bad", "echo about to fail; exit 3")).id());
    assertThat(ok.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(bad.state()).isEqualTo(RunState.FAILED);

    Map<String, Object> list = ServerFixture.json(f.get("/api/v1/runs", Duty.VIEWER));
    assertThat(list).containsEntry("total", 2L);
    Map<String, Object> failed = ServerFixture.json(f.get("/api/v1/runs?state=failed", Duty.DEV));
    assertThat(failed).containsEntry("total", 1L);

    Map<String, Object> run = ServerFixture.json(f.get("/api/v1/runs/" + bad.id(), Duty.VIEWER));
    assertThat(run).containsEntry("state", "failed");
    @SuppressWarnings("unchecked")
    Map<String, Object> failure = (Map<String, Object>) run.get("failure");
    assertThat(failure).containsEntry("step", "main").containsEntry("exitCode", 3L);
    assertThat(failure.get("lastLines").toString()).contains("about to fail");

    Map<String, Object> log =
        ServerFixture.json(f.get("/api/v1/runs/" + ok.id() + "/steps/main/log", Duty.VIEWER));
    assertThat(log).containsEntry("text", "one\ntwo\n").containsEntry("complete", true);
    Map<String, Object> rest =
        ServerFixture.json(
            f.get("/api/v1/runs/" + ok.id() + "/steps/main/log?offset=4", Duty.VIEWER));
    assertThat(rest).containsEntry("text", "two\n").containsEntry("nextOffset", 8L);
    assertThat(f.get("/api/v1/runs/" + ok.id() + "/steps/nope/log", Duty.VIEWER).statusCode())
        .isEqualTo(404);
  }

  @Test
  void events_streamALiveLog_untilTheRunEnds() throws Exception {
    Path gate = dir.resolve("go");
    RunRecord r =
        f.submit(
            f.project(
                "live",
                "echo first line; while [ ! -f '"
                    + gate
                    + "' ]; do sleep 0.1; done; echo second line"));
    HttpResponse<java.io.InputStream> sse =
        f.http.send(
            HttpRequest.newBuilder(f.uri("/api/v1/runs/" + r.id() + "/events"))
                .header(
                    "Authorization",
                    "Bearer "
                        + new String(f.tokens.get(Duty.VIEWER).bytes(), StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(sse.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = in.readLine()) != null) {
                      lines.add(l);
                    }
                  } catch (java.io.IOException e) {
                    lines.add("error: " + e);
                  }
                });
    // the first line arrives while the run still runs (it waits for the gate file)
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> lines.stream().anyMatch(l -> l.contains("first line")));
    assertThat(f.server.engine().run(r.id()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
    assertThat(lines).noneMatch(l -> l.contains("second line"));
    java.nio.file.Files.writeString(gate, "");
    reader.join(Duration.ofMinutes(1));
    assertThat(lines).anyMatch(l -> l.contains("second line"));
    assertThat(lines).contains("event: end");
    assertThat(lines.get(lines.indexOf("event: end") + 1)).contains("\"state\":\"succeeded\"");
  }

  @Test
  void tokens_madeBySec_workAtOnce_andStopWhenRevoked_everyChangeAudited() throws Exception {
    HttpResponse<String> made =
        f.send(
            "POST",
            "/api/v1/tokens",
            f.tokens.get(Duty.SEC),
            "{\"name\":\"ci\",\"duties\":[\"Dev\",\"Ops\"]}");
    assertThat(made.statusCode()).isEqualTo(201);
    Map<String, Object> body = ServerFixture.json(made);
    Secret ci = Secret.ofUtf8((String) body.get("token"));
    @SuppressWarnings("unchecked")
    String id = (String) ((Map<String, Object>) body.get("info")).get("id");
    Map<String, Object> me = ServerFixture.json(f.send("GET", "/api/v1/me", ci, null));
    assertThat(me).containsEntry("name", "ci").containsEntry("duties", List.of("Dev", "Ops"));
    // the list never shows a token itself, nor its hash
    String listed = f.get("/api/v1/tokens", Duty.SEC).body();
    assertThat(listed)
        .contains(id)
        .doesNotContain((String) body.get("token"))
        .doesNotContain("hash");
    assertThat(f.get("/api/v1/tokens", Duty.OPS).statusCode()).isEqualTo(403);

    assertThat(f.send("DELETE", "/api/v1/tokens/" + id, f.tokens.get(Duty.SEC), null).statusCode())
        .isEqualTo(200);
    assertThat(f.send("GET", "/api/v1/me", ci, null).statusCode()).isEqualTo(401);

    Map<String, Object> audit = ServerFixture.json(f.get("/api/v1/audit", Duty.VIEWER));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) audit.get("entries");
    assertThat(entries)
        .extracting(e -> String.valueOf(((Map<?, ?>) e.get("record")).get("action")))
        .containsExactly("token.revoke", "token.create");
    assertThat(entries)
        .allSatisfy(e -> assertThat(((Map<?, ?>) e.get("record")).get("actor")).isEqualTo("sec"));
    assertThat(audit.toString()).doesNotContain((String) body.get("token"));
  }

  @Test
  void badTokenRequests_getOneLineErrorsWithAHint() throws Exception {
    HttpResponse<String> r =
        f.send(
            "POST",
            "/api/v1/tokens",
            f.tokens.get(Duty.SEC),
            "{\"name\":\"x\",\"duties\":[\"Boss\"]}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(ServerFixture.json(r))
        .containsEntry("error", "bad-request")
        .containsEntry("message", "no duty 'Boss'")
        .containsEntry("hint", "use Dev, Sec, Ops or Viewer");
    HttpResponse<String> notJson = f.send("POST", "/api/v1/tokens", f.tokens.get(Duty.SEC), "{{");
    assertThat(notJson.statusCode()).isEqualTo(400);
  }

  @Test
  void aBodyOverTheCap_isRefusedWith413() throws Exception {
    f.close();
    f = new ServerFixture(dir.resolve("small"), b -> b.maxBodyBytes(1024));
    String big = "{\"name\":\"" + "x".repeat(4096) + "\",\"duties\":[\"Dev\"]}";
    HttpResponse<String> r = f.send("POST", "/api/v1/tokens", f.tokens.get(Duty.SEC), big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(ServerFixture.json(r)).containsEntry("error", "too-large");
  }

  @Test
  void aClientPastTheRateLimit_gets429WithRetryAfter() throws Exception {
    f.close();
    f =
        new ServerFixture(
            dir.resolve("limited"),
            b -> b.rateLimit(new dev.cairn.pipeline.webhook.RateLimit(5, 0.01)));
    int refused = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 8; i++) {
      last = f.get("/api/v1/runs", Duty.VIEWER);
      if (last.statusCode() == 429) {
        refused++;
      }
    }
    assertThat(refused).isEqualTo(3);
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
    // health checks are never limited
    assertThat(f.get("/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void theDefaultApiLimit_holds_120AtOnceThen429WithRetryAfter() throws Exception {
    // the load benchmark (bench/run serve) raises this limit; at the default (120 at once, 60 a
    // second) and on a clock that does not move, the 121st request from one address is refused
    assertThat(ServerConfig.DEFAULT_RATE_LIMIT)
        .isEqualTo(new dev.cairn.pipeline.webhook.RateLimit(120, 60));
    f.close();
    SteppedClock clock = new SteppedClock(java.time.Instant.now());
    f = new ServerFixture(dir.resolve("default-limit"), b -> b.clock(clock));
    for (int i = 0; i < 120; i++) {
      assertThat(f.get("/api/v1/runs", Duty.VIEWER).statusCode())
          .as("request %d", i)
          .isEqualTo(200);
    }
    HttpResponse<String> refused = f.get("/api/v1/runs", Duty.VIEWER);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(ServerFixture.json(refused)).containsEntry("error", "rate-limited");
    clock.step(Duration.ofSeconds(1));
    assertThat(f.get("/api/v1/runs", Duty.VIEWER).statusCode()).isEqualTo(200);
  }

  @Test
  void certificates_perCluster_withStanding_andALiveVerification() throws Exception {
    Map<String, Object> clusters = ServerFixture.json(f.get("/api/v1/clusters", Duty.VIEWER));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cs = (List<Map<String, Object>>) clusters.get("clusters");
    assertThat(cs).isNotEmpty();
    String cluster = (String) cs.get(0).get("id");
    Map<String, Object> certs =
        ServerFixture.json(f.get("/api/v1/clusters/" + cluster + "/certificates", Duty.VIEWER));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list = (List<Map<String, Object>>) certs.get("certificates");
    assertThat(list).extracting(c -> c.get("standing")).isSubsetOf("valid", "expiring", "expired");
    String digest = (String) list.get(0).get("digest");
    Map<String, Object> v =
        ServerFixture.json(f.get("/api/v1/certificates/" + digest + "/verification", Duty.VIEWER));
    // the same verification as cairn verify: this home has no embedded log, so it fails closed
    // at the link that needs it, and says which
    assertThat(v).containsEntry("verified", false).containsEntry("certificate", digest);
    @SuppressWarnings("unchecked")
    Map<String, Object> failure = (Map<String, Object>) v.get("failure");
    assertThat(failure).containsEntry("link", "ledger consistency");
  }

  @Test
  void theWebhookSecret_isInNoResponseAndNoConfigText() throws Exception {
    for (String p : List.of("/api/v1/runs", "/metrics", "/openapi.json", "/readyz")) {
      assertThat(f.get(p, Duty.SEC).body()).doesNotContain(ServerFixture.WEBHOOK_SECRET);
    }
    assertThat(f.server.config().toString()).doesNotContain(ServerFixture.WEBHOOK_SECRET);
    assertThat(f.tokens.get(Duty.SEC).toString()).isEqualTo("***");
  }
}
