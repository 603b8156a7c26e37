package dev.cairn.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against a real HTTP endpoint on 127.0.0.1 that checks each signature as a receiver
 * would and answers what the test scripts (503s, a 400, a Retry-After).
 */
class NotifierTest {
  static final String KEY = "endpoint-secret-never-logged-0123456789";
  static final Notifier.Retry FAST =
      new Notifier.Retry(Duration.ofMillis(40), Duration.ofMillis(400), 4, Duration.ofSeconds(5));

  @TempDir Path dir;
  HttpServer receiver;
  final Deque<Integer> answers = new ArrayDeque<>();
  final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
  final List<String> badSignatures = new CopyOnWriteArrayList<>();
  final List<String> log = new CopyOnWriteArrayList<>();
  volatile String retryAfter;

  @BeforeEach
  void listen() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          String sig = ex.getRequestHeaders().getFirst(Signatures.HEADER);
          if (sig == null
              || !Signatures.verify(
                  // a wide window: one test runs the notifier's clock two hours ahead
                  Secret.ofUtf8(KEY), sig, body, Instant.now(), Duration.ofHours(3))) {
            badSignatures.add(String.valueOf(sig));
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
          }
          Integer status;
          synchronized (answers) {
            status = answers.poll();
          }
          int s = status == null ? 204 : status;
          if (s == 204 || (s >= 200 && s < 300)) {
            Map<String, Object> m = Json.parseObject(new String(body, StandardCharsets.UTF_8));
            m.put("event-header", ex.getRequestHeaders().getFirst("X-Cairn-Event"));
            m.put("delivery-header", ex.getRequestHeaders().getFirst("X-Cairn-Delivery"));
            received.add(m);
          }
          if (retryAfter != null && s == 429) {
            ex.getResponseHeaders().add("Retry-After", retryAfter);
          }
          ex.sendResponseHeaders(s, -1);
          ex.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook?token=q1");
  }

  Endpoint endpoint(Notification.Kind... kinds) {
    return new Endpoint(url(), Secret.ofUtf8(KEY), Set.of(kinds));
  }

  static Notification note(String id, Notification.Kind kind) {
    return new Notification(
        id,
        kind,
        Instant.parse("2026-12-02T10:00:00Z"),
        "sha256:" + "c".repeat(64),
        "3 new failing checks on prod",
        Map.of("cluster", "prod", "new", List.of("CRN-101", "CRN-204", "CRN-510")));
  }

  Notifier start(Notifier.Retry retry, Endpoint... es) throws IOException {
    return Notifier.start(dir, List.of(es), Clock.systemUTC(), retry, log::add);
  }

  Notifier.Delivery awaitDone(Notifier n, String id) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> n.get(id).orElseThrow().status() != Notifier.Status.PENDING);
    try {
      return n.get(id).orElseThrow();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aNotification_isPostedSigned_andRecordedDelivered() throws Exception {
    try (Notifier n = start(FAST, endpoint())) {
      List<Notifier.Delivery> ds = n.publish(note("n1", Notification.Kind.NEW_FINDINGS));
      assertThat(ds).hasSize(1);
      Notifier.Delivery d = awaitDone(n, ds.get(0).id());
      assertThat(d.status()).isEqualTo(Notifier.Status.DELIVERED);
      assertThat(d.attempts()).extracting(Notifier.Attempt::status).containsExactly(204);
      assertThat(badSignatures).isEmpty();
      assertThat(received).hasSize(1);
      Map<String, Object> got = received.get(0);
      assertThat(got)
          .containsEntry("id", "n1")
          .containsEntry("kind", "new-findings")
          .containsEntry("event-header", "new-findings")
          .containsEntry("delivery-header", d.id())
          .containsEntry("summary", "3 new failing checks on prod");
      // the record shows the endpoint without its query, and holds no secret
      assertThat(d.endpoint()).doesNotContain("token=q1").endsWith("/hook");
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          assertThat(Files.readString(f)).doesNotContain(KEY).doesNotContain("q1");
        }
      }
      assertThat(endpoint().toString()).doesNotContain(KEY).doesNotContain("q1");
    }
  }

  @Test
  void serverErrors_areRetriedWithBackoff_untilDelivered() throws Exception {
    answers.addAll(List.of(503, 500, 429));
    try (Notifier n = start(FAST, endpoint())) {
      String id = n.publish(note("n2", Notification.Kind.GATE_REFUSED)).get(0).id();
      Notifier.Delivery d = awaitDone(n, id);
      assertThat(d.status()).isEqualTo(Notifier.Status.DELIVERED);
      assertThat(d.attempts())
          .extracting(Notifier.Attempt::status)
          .containsExactly(503, 500, 429, 204);
      assertThat(d.attempts().get(0).error()).isEqualTo("the endpoint answered 503");
      assertThat(received).hasSize(1);
    }
  }

  @Test
  void theBackoff_doubles_upToTheLongestWait() {
    Notifier.Retry r = FAST;
    assertThat(r.after(1)).isEqualTo(Duration.ofMillis(40));
    assertThat(r.after(2)).isEqualTo(Duration.ofMillis(80));
    assertThat(r.after(3)).isEqualTo(Duration.ofMillis(160));
    assertThat(r.after(5)).isEqualTo(Duration.ofMillis(400));
    assertThat(r.after(200)).isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void aRetryAfterLongerThanTheBackoff_setsTheNextAttempt() throws Exception {
    answers.add(429);
    retryAfter = "3600";
    Notifier.Retry capped =
        new Notifier.Retry(Duration.ofMillis(40), Duration.ofSeconds(2), 4, Duration.ofSeconds(5));
    try (Notifier n = start(capped, endpoint())) {
      String id = n.publish(note("n2b", Notification.Kind.GATE_REFUSED)).get(0).id();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !n.get(id).orElseThrow().attempts().isEmpty());
      Notifier.Delivery d = n.get(id).orElseThrow();
      assertThat(d.status()).isEqualTo(Notifier.Status.PENDING);
      // after the endpoint's Retry-After rather than 40 ms, but capped at the longest wait (2 s),
      // not an hour
      Instant first = d.attempts().get(0).at();
      assertThat(Duration.between(first, d.nextAttempt()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2))
          .isLessThan(Duration.ofMinutes(1));
      Notifier.Delivery done = awaitDone(n, id);
      assertThat(done.status()).isEqualTo(Notifier.Status.DELIVERED);
    }
  }

  @Test
  void aClientError_failsAtOnce_andTheLastAttemptGivesUp() throws Exception {
    answers.add(400);
    try (Notifier n = start(FAST, endpoint())) {
      String id = n.publish(note("n3", Notification.Kind.CERTIFICATE_REVOKED)).get(0).id();
      Notifier.Delivery d = awaitDone(n, id);
      assertThat(d.status()).isEqualTo(Notifier.Status.FAILED);
      assertThat(d.attempts()).extracting(Notifier.Attempt::status).containsExactly(400);
      answers.addAll(List.of(500, 500, 500, 500, 500));
      String id2 = n.publish(note("n4", Notification.Kind.CERTIFICATE_REVOKED)).get(0).id();
      Notifier.Delivery d2 = awaitDone(n, id2);
      assertThat(d2.status()).isEqualTo(Notifier.Status.FAILED);
      assertThat(d2.attempts()).hasSize(FAST.attempts());
      assertThat(log)
          .anyMatch(l -> l.contains(id) && l.contains("after 1 attempt: the endpoint answered 400"))
          .anyMatch(l -> l.contains(id2) && l.contains("after 4 attempts"))
          .noneMatch(l -> l.contains(KEY) || l.contains("q1"));
      assertThat(received).isEmpty();
    }
  }

  @Test
  void aPendingDelivery_toAnEndpointNoLongerConfigured_isRecordedFailedAtTheNextStart()
      throws Exception {
    receiver.stop(0);
    Notifier.Retry slow =
        new Notifier.Retry(Duration.ofHours(1), Duration.ofHours(1), 5, Duration.ofSeconds(2));
    String id;
    try (Notifier n = start(slow, endpoint())) {
      id = n.publish(note("n5", Notification.Kind.CERTIFICATE_EXPIRING)).get(0).id();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> n.get(id).orElseThrow().attempts().size() == 1);
      assertThat(n.get(id).orElseThrow().attempts().get(0).error()).startsWith("no answer");
    }
    listen(); // the endpoint is back, on another port: a new endpoint is configured
    // a start whose endpoints no longer include the old one records the delivery failed
    try (Notifier n = Notifier.start(dir, List.of(endpoint()), Clock.systemUTC(), FAST, log::add)) {
      Notifier.Delivery d = n.get(id).orElseThrow();
      assertThat(d.status()).isEqualTo(Notifier.Status.FAILED);
      assertThat(d.attempts().get(1).error()).isEqualTo("the endpoint is no longer configured");
    }
  }

  @Test
  void aPendingDelivery_isResumedAfterARestart_whenItsTimeHasCome() throws Exception {
    Endpoint e = endpoint();
    answers.add(503);
    Notifier.Retry slow =
        new Notifier.Retry(Duration.ofHours(1), Duration.ofHours(1), 5, Duration.ofSeconds(2));
    String id;
    try (Notifier n = start(slow, e)) {
      id = n.publish(note("n6", Notification.Kind.NEW_FINDINGS)).get(0).id();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> n.get(id).orElseThrow().attempts().size() == 1);
    }
    assertThat(received).isEmpty();
    // two hours later (the clock of the next process), the pending delivery goes out at start
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
    try (Notifier n = Notifier.start(dir, List.of(e), later, slow, log::add)) {
      Notifier.Delivery d = awaitDone(n, id);
      assertThat(d.status()).isEqualTo(Notifier.Status.DELIVERED);
      assertThat(d.attempts()).extracting(Notifier.Attempt::status).containsExactly(503, 204);
    }
    assertThat(received).hasSize(1);
  }

  @Test
  void endpointsGetOnlyTheKindsTheyAskFor_andAnEventIsPublishedOnce() throws Exception {
    try (Notifier n = start(FAST, endpoint(Notification.Kind.GATE_REFUSED))) {
      assertThat(n.publish(note("n7", Notification.Kind.NEW_FINDINGS))).isEmpty();
      List<Notifier.Delivery> ds = n.publish(note("n8", Notification.Kind.GATE_REFUSED));
      assertThat(ds).hasSize(1);
      assertThat(n.publish(note("n8", Notification.Kind.GATE_REFUSED))).isEmpty();
      awaitDone(n, ds.get(0).id());
      assertThat(received).extracting(m -> m.get("id")).containsExactly("n8");
      assertThat(n.list(10)).hasSize(1);
    }
  }

  @Test
  void signatures_failOnAnyChange_andWhenStale() {
    Secret k = Secret.ofUtf8(KEY);
    byte[] body = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    Instant now = Instant.parse("2026-12-02T10:00:00Z");
    String h = Signatures.sign(k, now.getEpochSecond(), body);
    Duration five = Duration.ofMinutes(5);
    assertThat(Signatures.verify(k, h, body, now, five)).isTrue();
    assertThat(
            Signatures.verify(k, h, "{\"id\":\"y\"}".getBytes(StandardCharsets.UTF_8), now, five))
        .isFalse();
    assertThat(Signatures.verify(Secret.ofUtf8(KEY + "x"), h, body, now, five)).isFalse();
    assertThat(Signatures.verify(k, h, body, now.plus(Duration.ofMinutes(6)), five)).isFalse();
    String otherTime = h.replace("t=" + now.getEpochSecond(), "t=" + (now.getEpochSecond() + 1));
    assertThat(Signatures.verify(k, otherTime, body, now, five)).isFalse();
    assertThat(Signatures.verify(k, "v1=zz", body, now, five)).isFalse();
    assertThat(Signatures.verify(k, "", body, now, five)).isFalse();
  }

  @Test
  void badEndpoints_areRefused() {
    Secret k = Secret.ofUtf8(KEY);
    for (String u : List.of("ftp://h/x", "http://user:pw@h/x", "file:///etc/passwd")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> new Endpoint(URI.create(u), k, Set.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new Endpoint(URI.create("https://h/x"), Secret.ofUtf8("short"), Set.of()))
        .hasMessageContaining("at least 16 bytes");
  }
}
