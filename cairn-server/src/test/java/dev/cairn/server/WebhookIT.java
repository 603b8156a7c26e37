package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.source.LocalForge;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real signed GitHub pushes against the running server, from a real git forge on loopback: each
 * becomes a run record that the server's engine runs; a forged or replayed one becomes nothing, and
 * the outcome of each is in the webhook audit trail.
 */
class WebhookIT {
  @TempDir Path dir;

  private static HttpResponse<String> post(ServerFixture f, LocalForge.Webhook hook)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(f.uri("/hooks/github"));
    hook.headers().forEach(b::header);
    return f.http.send(
        b.POST(HttpRequest.BodyPublishers.ofByteArray(hook.body())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSignedPush_createsARunThatTheServerRuns_forgedAndReplayedCreateNone() throws Exception {
    try (ServerFixture f = new ServerFixture(dir);
        LocalForge forge = LocalForge.start(dir.resolve("forge"), Clock.systemUTC())) {
      var push =
          forge.commit(
              "app",
              Map.of(
                  ".cairn/pipeline.yaml",
                  "steps:\n  - checkout: {}\n  - name: show\n    run: {command: [cat, v.txt]}\n",
                  "v.txt",
                  "from-the-push\n"),
              "one");
      LocalForge.Webhook hook =
          forge.githubWebhook(push, Secret.ofUtf8(ServerFixture.WEBHOOK_SECRET));
      HttpResponse<String> accepted = post(f, hook);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      assertThat(ServerFixture.json(accepted))
          .containsEntry("status", "accepted")
          .containsEntry("commit", push.commit());

      assertThat(post(f, hook).statusCode()).as("the same delivery again").isEqualTo(401);
      var forged = forge.githubWebhook(push, Secret.ofUtf8("not-the-secret"));
      HttpResponse<String> refused = post(f, forged);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).isEmpty();

      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> !f.runs().isEmpty() || f.events.stream().anyMatch(e -> e.contains("cannot")));
      assertThat(f.runs()).as(String.join("\n", f.events)).hasSize(1);
      RunRecord r = f.awaitFinished(f.runs().get(0).id());
      assertThat(r.state()).as(String.join("\n", f.events)).isEqualTo(RunState.SUCCEEDED);
      assertThat(r.commit()).isEqualTo(push.commit());
      assertThat(r.trigger().source()).isEqualTo("github");

      // the run record is served by the API
      Map<String, Object> api = ServerFixture.json(f.get("/api/v1/runs/" + r.id(), Duty.VIEWER));
      assertThat(api).containsEntry("commit", push.commit());
      Map<String, Object> log =
          ServerFixture.json(f.get("/api/v1/runs/" + r.id() + "/steps/show/log", Duty.VIEWER));
      assertThat(log).containsEntry("text", "from-the-push\n");

      List<String> audit = Files.readAllLines(f.home.dir("webhooks").resolve("audit.jsonl"));
      assertThat(audit).hasSize(3);
      assertThat(String.join("\n", audit))
          .contains("\"outcome\":\"accepted\"")
          .contains("\"outcome\":\"refused\"")
          .doesNotContain(ServerFixture.WEBHOOK_SECRET);
    }
  }

  @Test
  void theDefaultWebhookLimit_refusesOneSourcePastIt_with429AndRetryAfter() throws Exception {
    // the load benchmark (bench/run serve) raises this limit; a server left at the default holds
    // a source to 60 at once and 10 a second: on a clock that does not move, the 61st is refused
    assertThat(
            ServerConfig.builder(dev.cairn.core.CairnHome.of(dir))
                .webhookSecret(Secret.ofUtf8(ServerFixture.WEBHOOK_SECRET))
                .build()
                .webhookRateLimit())
        .isEqualTo(dev.cairn.pipeline.webhook.RateLimit.DEFAULT);
    SteppedClock clock = new SteppedClock(java.time.Instant.now());
    try (ServerFixture f = new ServerFixture(dir, b -> b.clock(clock));
        LocalForge forge = LocalForge.start(dir.resolve("forge"), clock)) {
      var push =
          forge.commit(
              "app",
              Map.of(
                  ".cairn/pipeline.yaml", "steps:\n  - name: show\n    run: {command: [true]}\n"),
              "one");
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 60; i++) {
        statuses.add(
            post(f, forge.githubWebhook(push, Secret.ofUtf8(ServerFixture.WEBHOOK_SECRET)))
                .statusCode());
      }
      // the first is accepted, the same body again is a replay (401): none is rate-limited
      assertThat(statuses).doesNotContain(429).startsWith(202);
      HttpResponse<String> limited =
          post(f, forge.githubWebhook(push, Secret.ofUtf8(ServerFixture.WEBHOOK_SECRET)));
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(ServerFixture.json(limited)).containsEntry("status", "rate-limited");

      clock.step(Duration.ofSeconds(1)); // 10 more
      statuses.clear();
      for (int i = 0; i < 11; i++) {
        statuses.add(
            post(f, forge.githubWebhook(push, Secret.ofUtf8(ServerFixture.WEBHOOK_SECRET)))
                .statusCode());
      }
      assertThat(statuses.subList(0, 10)).doesNotContain(429);
      assertThat(statuses.get(10)).isEqualTo(429);
    }
  }

  @Test
  void theServer_refusesToStartWithoutAWebhookSecret() {
    var b = ServerConfig.builder(dev.cairn.core.CairnHome.of(dir)).port(0);
    org.assertj.core.api.Assertions.assertThatThrownBy(b::build)
        .isInstanceOf(ServerException.class)
        .hasMessage(
            "the server needs a webhook secret: without one it would accept anybody's push");
  }
}
