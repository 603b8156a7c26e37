package dev.cairn.pipeline.webhook;

import static dev.cairn.pipeline.webhook.Hooks.SHA_A;
import static dev.cairn.pipeline.webhook.Hooks.SHA_B;
import static dev.cairn.pipeline.webhook.Hooks.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handler with its real file stores, requests fed straight in (the IT goes over HTTP). */
class WebhookHandlerTest {
  @TempDir Path dir;
  final Hooks.MutableClock clock = new Hooks.MutableClock(Instant.now());
  final List<Trigger> triggers = new ArrayList<>();
  DeliveryStore store;
  AuditSink audit;

  @BeforeEach
  void open() throws Exception {
    store = DeliveryStore.file(dir.resolve("deliveries"), DeliveryStore.Retention.DEFAULT, clock);
    audit = AuditSink.file(dir.resolve("audit.jsonl"));
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    audit.close();
  }

  WebhookConfig.Builder config() {
    return WebhookConfig.builder(store, audit).secretForAll(Hooks.secret()).clock(clock);
  }

  WebhookHandler handler() throws Exception {
    return handler(config(), triggers::add);
  }

  WebhookHandler handler(WebhookConfig.Builder b, Consumer<Trigger> c) throws Exception {
    return Webhooks.handler(b.build(), c);
  }

  static Outcome send(
      WebhookHandler h, SourceKind route, Map<String, List<String>> headers, String body) {
    return h.handle(
        new WebhookRequest("POST", route, headers, "192.0.2.7"),
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  List<String> auditLines() throws Exception {
    return Files.readAllLines(dir.resolve("audit.jsonl"));
  }

  @Test
  void githubPush_isAccepted_withTheTriggerAsPushed() throws Exception {
    WebhookHandler h = handler();
    String body =
        Hooks.githubPush("refs/heads/main", ZERO, SHA_B, List.of("src/b.java", "src/a.java"));
    Outcome o = send(h, SourceKind.GITHUB, Hooks.github("push", "gh-1", body), body);

    assertThat(o).isInstanceOf(Outcome.Accepted.class);
    assertThat(o.status()).isEqualTo(202);
    Trigger t = ((Outcome.Accepted) o).trigger();
    assertThat(triggers).containsExactly(t);
    assertThat(t.source()).isEqualTo(SourceKind.GITHUB);
    assertThat(t.deliveryId()).isEqualTo("gh-1");
    assertThat(t.repository())
        .isEqualTo(
            new Trigger.Repository("app", "team/app", "https://github.example/team/app.git"));
    assertThat(t.ref()).isEqualTo("refs/heads/main");
    assertThat(t.branch()).hasValue("main");
    assertThat(t.commit()).isEqualTo(SHA_B);
    assertThat(t.pusher()).isEqualTo("alice");
    assertThat(t.changedPaths()).containsExactly("src/a.java", "src/b.java");
    assertThat(t.pathsComplete()).isTrue();
    assertThat(t.receivedAt()).isEqualTo(clock.instant());
    assertThat(o.body()).contains("\"status\":\"accepted\"").contains(SHA_B);
    assertThat(auditLines())
        .singleElement()
        .asString()
        .contains("\"outcome\":\"accepted\"", "\"delivery\":\"gh-1\"", "\"commit\":\"" + SHA_B);
  }

  @Test
  void githubPing_isAcceptedAsPing() throws Exception {
    String body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
    Outcome o = send(handler(), SourceKind.GITHUB, Hooks.github("ping", "gh-p", body), body);
    assertThat(o).isEqualTo(new Outcome.Ping(SourceKind.GITHUB, "gh-p"));
    assertThat(o.status()).isEqualTo(200);
    assertThat(triggers).isEmpty();
  }

  @Test
  void githubTag_isAccepted_atTheTagsCommit() throws Exception {
    String body = Hooks.githubPush("refs/tags/v1.0.0", ZERO, SHA_A, List.of());
    Outcome o = send(handler(), SourceKind.GITHUB, Hooks.github("push", "gh-t", body), body);
    Trigger t = ((Outcome.Accepted) o).trigger();
    assertThat(t.tag()).hasValue("v1.0.0");
    assertThat(t.isTag()).isTrue();
  }

  @Test
  void gitlabPushAndTagPush_areAccepted_withCheckoutSha() throws Exception {
    WebhookHandler h = handler();
    String push = Hooks.gitlabPush("push", "refs/heads/dev", SHA_A, SHA_B);
    Outcome o = send(h, SourceKind.GITLAB, Hooks.gitlab("Push Hook", "gl-1", Hooks.SECRET), push);
    Trigger t = ((Outcome.Accepted) o).trigger();
    assertThat(t.repository().cloneUrl()).isEqualTo("https://gitlab.example/group/svc.git");
    assertThat(t.repository().fullName()).isEqualTo("group/svc");
    assertThat(t.pusher()).isEqualTo("bob");
    assertThat(t.changedPaths()).containsExactly("a.txt", "b.txt");
    assertThat(t.pathsComplete()).isTrue();

    String tag = Hooks.gitlabPush("tag_push", "refs/tags/v2", ZERO, SHA_A);
    o = send(h, null, Hooks.gitlab("Tag Push Hook", "gl-2", Hooks.SECRET), tag);
    assertThat(((Outcome.Accepted) o).trigger().tag()).hasValue("v2");
  }

  @Test
  void gitlab_wrongToken_isRefused() throws Exception {
    String push = Hooks.gitlabPush("push", "refs/heads/dev", SHA_A, SHA_B);
    Outcome o =
        send(handler(), SourceKind.GITLAB, Hooks.gitlab("Push Hook", "gl-1", "guess"), push);
    assertThat(o).isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.SIGNATURE_MISMATCH));
    assertThat(o.body()).isEmpty();
  }

  @Test
  void giteaPush_isDetectedAsGitea_eventThoughItAlsoSendsGitHubsHeaders() throws Exception {
    String body = Hooks.giteaPush("refs/heads/main", SHA_A, SHA_B);
    Outcome o = send(handler(), null, Hooks.gitea("push", "gt-1", body), body);
    Trigger t = ((Outcome.Accepted) o).trigger();
    assertThat(t.source()).isEqualTo(SourceKind.GITEA);
    assertThat(t.pusher()).isEqualTo("carol");
    assertThat(t.repository().fullName()).isEqualTo("org/tool");
  }

  @Test
  void forgejoHeaders_areChecked_andABadForgejoSignatureRefuses() throws Exception {
    WebhookHandler h = handler();
    String body = Hooks.giteaPush("refs/heads/main", SHA_A, SHA_B);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("X-Forgejo-Event", List.of("push"));
    headers.put("X-Forgejo-Delivery", List.of("fj-1"));
    headers.put("X-Forgejo-Signature", List.of(Hooks.hmac(body + " ")));
    headers.put("X-Gitea-Signature", List.of(Hooks.hmac(body)));
    assertThat(send(h, SourceKind.GITEA, headers, body))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.SIGNATURE_MISMATCH));
    headers.put("X-Forgejo-Signature", List.of(Hooks.hmac(body)));
    Outcome o = send(h, SourceKind.GITEA, headers, body);
    assertThat(((Outcome.Accepted) o).trigger().deliveryId()).isEqualTo("fj-1");
  }

  @Test
  void crossForgeReplay_ofTheSameBodyUnderAFreshId_isRefused() throws Exception {
    WebhookHandler h = handler();
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of("x"));
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-1", body), body))
        .isInstanceOf(Outcome.Accepted.class);
    // Gitea's signature is GitHub's without "sha256=": with one secret for both, a captured
    // GitHub delivery would verify as Gitea's under a made-up delivery id
    assertThat(send(h, SourceKind.GITEA, Hooks.gitea("push", "made-up", body), body))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.REPLAYED));
    assertThat(triggers).hasSize(1);
  }

  @Test
  void deletion_andAllZeroCommit_areIgnored_withTheReason() throws Exception {
    WebhookHandler h = handler();
    String del = Hooks.githubPush("refs/heads/old", SHA_A, ZERO, List.of());
    Outcome o = send(h, SourceKind.GITHUB, Hooks.github("push", "gh-d", del), del);
    assertThat(o).isEqualTo(new Outcome.Ignored("refs/heads/old was deleted"));
    assertThat(o.status()).isEqualTo(202);
    assertThat(o.body()).contains("refs/heads/old was deleted");

    String gl = Hooks.gitlabPush("push", "refs/heads/old", SHA_A, ZERO);
    assertThat(send(h, SourceKind.GITLAB, Hooks.gitlab("Push Hook", "gl-d", Hooks.SECRET), gl))
        .isEqualTo(new Outcome.Ignored("refs/heads/old was deleted"));
    assertThat(triggers).isEmpty();
    assertThat(auditLines()).hasSize(2).allMatch(l -> l.contains("\"outcome\":\"ignored\""));
  }

  @Test
  void otherEvents_andOtherRefs_areIgnored() throws Exception {
    WebhookHandler h = handler();
    String issue = "{\"action\":\"opened\"}";
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("issues", "gh-i", issue), issue))
        .isEqualTo(new Outcome.Ignored("event 'issues' is not a push of a branch or tag"));
    String note = Hooks.githubPush("refs/notes/commits", SHA_A, SHA_B, List.of());
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-n", note), note))
        .isEqualTo(new Outcome.Ignored("ref refs/notes/commits is not a branch or a tag"));
  }

  @Test
  void filter_ignoresBranchesAndPaths_withTheReason() throws Exception {
    WebhookHandler h =
        handler(
            config().filter(new WebhookFilter(List.of("main"), List.of(), List.of("src/**"))),
            triggers::add);
    String wip = Hooks.githubPush("refs/heads/wip", SHA_A, SHA_B, List.of("src/a"));
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "f-1", wip), wip))
        .isEqualTo(new Outcome.Ignored("branch 'wip' is not selected by the branch filter [main]"));
    String docs = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of("docs/a.md"));
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "f-2", docs), docs))
        .isInstanceOf(Outcome.Ignored.class);
    assertThat(triggers).isEmpty();
  }

  @Test
  void replay_isRefused_evenOfAnIgnoredEvent() throws Exception {
    WebhookHandler h = handler();
    String del = Hooks.githubPush("refs/heads/old", SHA_A, ZERO, List.of());
    send(h, SourceKind.GITHUB, Hooks.github("push", "gh-d", del), del);
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-d", del), del))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.REPLAYED));
  }

  @Test
  void githubPush_olderThanTheReplayWindowBySignedPushTime_isStale() throws Exception {
    WebhookHandler h = handler(config().replayWindow(Duration.ofDays(3)), triggers::add);
    String body =
        Hooks.githubPush(
            "refs/heads/main", SHA_A, SHA_B, List.of(), clock.instant().minus(Duration.ofDays(4)));
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-s", body), body))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.STALE));
    assertThat(auditLines()).singleElement().asString().contains("older than the replay window");
  }

  @Test
  void missingDeliveryId_isRefused_missingSignature_too() throws Exception {
    WebhookHandler h = handler();
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Map<String, List<String>> headers = new LinkedHashMap<>(Hooks.github("push", "x", body));
    headers.remove("X-GitHub-Delivery");
    assertThat(send(h, SourceKind.GITHUB, headers, body))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.DELIVERY_ID_MISSING));
    headers = new LinkedHashMap<>(Hooks.github("push", "x", body));
    headers.remove("X-Hub-Signature-256");
    assertThat(send(h, SourceKind.GITHUB, headers, body))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.SIGNATURE_MISSING));
    assertThat(send(h, null, Map.of("Content-Type", List.of("application/json")), body))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.UNKNOWN_SOURCE));
  }

  @Test
  void forgeWithoutASecret_isRefused() throws Exception {
    WebhookHandler h =
        handler(
            WebhookConfig.builder(store, audit).secret(SourceKind.GITLAB, Hooks.secret()),
            triggers::add);
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-1", body), body))
        .isEqualTo(new Outcome.Refused(Outcome.Refused.Reason.SOURCE_NOT_CONFIGURED));
  }

  @Test
  void signedButMalformedJson_isRejected_withoutBeingRecorded() throws Exception {
    WebhookHandler h = handler();
    String body = "{\"ref\": ";
    Outcome o = send(h, SourceKind.GITHUB, Hooks.github("push", "gh-m", body), body);
    assertThat(o).isEqualTo(new Outcome.Rejected("the body is not a JSON object"));
    assertThat(o.status()).isEqualTo(400);
    assertThat(store.size()).isZero();
  }

  @Test
  void formEncodedPayload_isAccepted() throws Exception {
    String json = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    String body = "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new LinkedHashMap<>(Hooks.github("push", "gh-f", body));
    headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));
    assertThat(send(handler(), SourceKind.GITHUB, headers, body))
        .isInstanceOf(Outcome.Accepted.class);
  }

  @Test
  void noSecret_orAnEmptyOne_refusesToBuild() {
    assertThatThrownBy(() -> WebhookConfig.builder(store, audit).build())
        .isInstanceOf(WebhookException.class)
        .hasMessageContaining("needs a secret")
        .satisfies(
            e ->
                assertThat(((WebhookException) e).fix())
                    .hasValueSatisfying(
                        f -> assertThat(f.id()).isEqualTo("webhook.secret.missing")));
    assertThatThrownBy(
            () ->
                WebhookConfig.builder(store, audit)
                    .secret(SourceKind.GITHUB, Secret.ofUtf8(""))
                    .build())
        .isInstanceOf(WebhookException.class)
        .hasMessageContaining("github is empty");
  }

  @Test
  void overCap_isTooLarge_andReadingStopsAtTheCap() throws Exception {
    WebhookHandler h = handler(config().maxBodyBytes(1024), triggers::add);
    AtomicLong read = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            read.incrementAndGet();
            return 'x';
          }
        };
    Outcome o =
        h.handle(new WebhookRequest("POST", SourceKind.GITHUB, Map.of(), "192.0.2.7"), endless);
    assertThat(o).isEqualTo(new Outcome.TooLarge(1024));
    assertThat(o.status()).isEqualTo(413);
    assertThat(read.get()).isEqualTo(1025);
    Outcome byLength =
        h.handle(
            new WebhookRequest(
                "POST", SourceKind.GITHUB, Map.of("Content-Length", List.of("5000")), "192.0.2.7"),
            endless);
    assertThat(byLength).isEqualTo(new Outcome.TooLarge(1024));
    assertThat(read.get()).as("not a byte read past the header").isEqualTo(1025);
  }

  @Test
  void rateLimit_perSourceAddress_auditsTheFirstRefusalOfARun() throws Exception {
    WebhookHandler h = handler(config().rateLimit(new RateLimit(2, 1)), triggers::add);
    Outcome[] o = new Outcome[4];
    for (int i = 0; i < 4; i++) {
      String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of("f" + i));
      o[i] = send(h, SourceKind.GITHUB, Hooks.github("push", "rl-" + i, body), body);
    }
    assertThat(o[0]).isInstanceOf(Outcome.Accepted.class);
    assertThat(o[1]).isInstanceOf(Outcome.Accepted.class);
    assertThat(o[2]).isInstanceOf(Outcome.RateLimited.class);
    assertThat(o[2].status()).isEqualTo(429);
    assertThat(o[2].headers()).containsEntry("Retry-After", "1");
    assertThat(o[3]).isInstanceOf(Outcome.RateLimited.class);
    Outcome other =
        h.handle(
            new WebhookRequest("POST", SourceKind.GITHUB, Map.of(), "192.0.2.8"),
            InputStream.nullInputStream());
    assertThat(other)
        .as("another address has its own bucket")
        .isNotInstanceOf(Outcome.RateLimited.class);
    clock.advance(Duration.ofSeconds(1));
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of("later"));
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "rl-later", body), body))
        .isInstanceOf(Outcome.Accepted.class);
    assertThat(auditLines().stream().filter(l -> l.contains("rate-limited"))).hasSize(1);
  }

  @Test
  void failingConsumer_answers503_andForgetsTheDelivery() throws Exception {
    List<Trigger> taken = new ArrayList<>();
    boolean[] fail = {true};
    WebhookHandler h =
        handler(
            config(),
            t -> {
              if (fail[0]) {
                throw new IllegalStateException("queue full");
              }
              taken.add(t);
            });
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Outcome o = send(h, SourceKind.GITHUB, Hooks.github("push", "gh-c", body), body);
    assertThat(o.status()).isEqualTo(503);
    assertThat(o.body()).doesNotContain("queue full");
    fail[0] = false;
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-c", body), body))
        .as("the forge's redelivery is taken")
        .isInstanceOf(Outcome.Accepted.class);
    assertThat(taken).hasSize(1);
  }

  @Test
  void anAuditThatCannotBeWritten_answers503_forgetsTheDelivery_andHandsNothingOn()
      throws Exception {
    boolean[] broken = {true};
    AuditSink failing =
        new AuditSink() {
          @Override
          public void record(AuditRecord r) throws IOException {
            if (broken[0]) {
              throw new IOException("disk full");
            }
            audit.record(r);
          }

          @Override
          public void close() {}
        };
    WebhookHandler h =
        handler(
            WebhookConfig.builder(store, failing).secretForAll(Hooks.secret()).clock(clock),
            triggers::add);
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Outcome o = send(h, SourceKind.GITHUB, Hooks.github("push", "gh-audit", body), body);
    assertThat(o.status()).isEqualTo(503);
    assertThat(o.body()).doesNotContain("disk full");
    assertThat(triggers).isEmpty();
    broken[0] = false;
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-audit", body), body))
        .as("the forge's redelivery is taken: the first was forgotten")
        .isInstanceOf(Outcome.Accepted.class);
    assertThat(triggers).hasSize(1);
  }

  @Test
  void aDeliveryThatDoesNotReachTheDisk_answers503_andIsNotHandedOn() throws Exception {
    boolean[] broken = {true};
    DeliveryStore flaky =
        new DeliveryStore() {
          @Override
          public boolean recordIfNew(Delivery d) throws IOException {
            return store.recordIfNew(d);
          }

          @Override
          public @org.jspecify.annotations.Nullable Pending recordIfNewLater(Delivery d)
              throws IOException {
            Pending p = store.recordIfNewLater(d);
            if (p == null || !broken[0]) {
              return p;
            }
            return () -> {
              store.forget(d);
              throw new IOException("fsync failed");
            };
          }

          @Override
          public void forget(Delivery d) throws IOException {
            store.forget(d);
          }

          @Override
          public int size() {
            return store.size();
          }

          @Override
          public void close() {}
        };
    WebhookHandler h =
        handler(
            WebhookConfig.builder(flaky, audit).secretForAll(Hooks.secret()).clock(clock),
            triggers::add);
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Outcome o = send(h, SourceKind.GITHUB, Hooks.github("push", "gh-sync", body), body);
    assertThat(o.status()).isEqualTo(503);
    assertThat(triggers).isEmpty();
    assertThat(auditLines()).last().asString().contains("unavailable");
    broken[0] = false;
    assertThat(send(h, SourceKind.GITHUB, Hooks.github("push", "gh-sync", body), body))
        .isInstanceOf(Outcome.Accepted.class);
    assertThat(triggers).hasSize(1);
  }

  @Test
  void notPost_is405() throws Exception {
    Outcome o =
        handler()
            .handle(
                new WebhookRequest("GET", null, Map.of(), "192.0.2.7"),
                InputStream.nullInputStream());
    assertThat(o.status()).isEqualTo(405);
    assertThat(o.headers()).containsEntry("Allow", "POST");
  }

  @Test
  void secret_neverInToStringsOrAudit() throws Exception {
    WebhookHandler h = handler();
    String body = Hooks.githubPush("refs/heads/main", SHA_A, SHA_B, List.of());
    Map<String, List<String>> headers = Hooks.github("push", "gh-1", body);
    Outcome o = send(h, SourceKind.GITHUB, headers, body);
    send(h, SourceKind.GITLAB, Hooks.gitlab("Push Hook", "gl-x", Hooks.SECRET + "x"), body);
    String sig = headers.get("X-Hub-Signature-256").get(0);
    String request = new WebhookRequest("POST", null, headers, "192.0.2.7").toString();
    for (String s :
        List.of(
            h.toString(),
            o.toString(),
            request,
            config().build().toString(),
            String.join("\n", auditLines()))) {
      assertThat(s).doesNotContain(Hooks.SECRET).doesNotContain(sig.substring(7));
    }
  }
}
