package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.StepState;
import dev.cairn.pipeline.Trigger;
import dev.cairn.server.notify.Endpoint;
import dev.cairn.server.notify.Notification;
import dev.cairn.server.notify.Notifier;
import dev.cairn.server.notify.Signatures;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's notification webhooks end to end: a real endpoint on 127.0.0.1 that checks each
 * signature, the fixture's certificates on a day one of them is expiring, a scan with new failing
 * checks, and a run whose deploy step the gate refused.
 */
class ServerNotificationsTest {
  static final String KEY = "notify-secret-0123456789abcdef";

  @TempDir Path dir;
  HttpServer receiver;
  final List<Map<String, Object>> got = new CopyOnWriteArrayList<>();
  final List<String> bad = new CopyOnWriteArrayList<>();
  ServerFixture f;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/cairn",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          String sig = ex.getRequestHeaders().getFirst(Signatures.HEADER);
          // the server's clock is set to May: allow its signing time
          if (sig == null
              || !Signatures.verify(
                  Secret.ofUtf8(KEY), sig, body, Instant.now(), Duration.ofDays(400))) {
            bad.add(String.valueOf(sig));
            ex.sendResponseHeaders(401, -1);
          } else {
            got.add(Json.parseObject(new String(body, StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(204, -1);
          }
          ex.close();
        });
    receiver.start();
    Endpoint e =
        new Endpoint(
            URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/cairn"),
            Secret.ofUtf8(KEY),
            Set.of());
    Instant day = Instant.parse("2026-05-20T12:00:00Z");
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), day));
    f =
        new ServerFixture(
            dir,
            b ->
                b.clock(clock)
                    .notifyEndpoints(List.of(e))
                    .notifyRetry(
                        new Notifier.Retry(
                            Duration.ofMillis(50),
                            Duration.ofMillis(200),
                            3,
                            Duration.ofSeconds(5))));
  }

  @AfterEach
  void stop() {
    f.close();
    receiver.stop(0);
  }

  List<Map<String, Object>> of(String kind) {
    return got.stream().filter(m -> kind.equals(m.get("kind"))).toList();
  }

  @Test
  void anExpiringCertificate_isNotifiedOnce_signed_andListedByTheApi() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> of("certificate-expiring").size() == 1);
    Map<String, Object> n = of("certificate-expiring").get(0);
    assertThat((String) n.get("summary"))
        .startsWith("the certificate of https://a.example:6443 expires in 13 days");
    @SuppressWarnings("unchecked")
    Map<String, Object> details = (Map<String, Object>) n.get("details");
    assertThat(details).containsEntry("expiresAt", "2026-06-03T10:00:00Z");
    // another sweep finds it again and sends nothing new
    f.server.sweepCertificates();
    f.server.sweepCertificates();
    assertThat(f.server.notifier().list(100)).hasSize(1);
    assertThat(bad).isEmpty();
    var r = f.get("/api/v1/notifications", Duty.VIEWER);
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> body = ServerFixture.json(r);
    assertThat(r.body())
        .contains("\"kind\":\"certificate-expiring\"")
        .contains("\"status\":\"delivered\"")
        .doesNotContain(KEY);
    assertThat((List<?>) body.get("endpoints")).hasSize(1);
  }

  @Test
  void newFailingChecks_afterAScan_areNotified_aFirstScanIsABaseline() throws Exception {
    Instant at = Instant.parse("2026-05-20T03:00:00Z");
    f.server.scanned("prod", 1, at, Set.of("CRN-101"), null);
    f.server.scanned("prod", 2, at, Set.of("CRN-101", "CRN-204", "CRN-510"), Set.of("CRN-101"));
    f.server.scanned("prod", 3, at, Set.of("CRN-101"), Set.of("CRN-101", "CRN-204"));
    await().atMost(Duration.ofSeconds(30)).until(() -> of("new-findings").size() == 1);
    Map<String, Object> n = of("new-findings").get(0);
    assertThat(n).containsEntry("subject", "prod").containsEntry("id", "new-findings.prod.2");
    assertThat((String) n.get("summary"))
        .isEqualTo("2 checks fail on prod that passed before: CRN-204, CRN-510");
  }

  @Test
  void aDeployTheGateRefused_isNotified_withItsReasons() throws Exception {
    RunRecord run =
        RunRecord.queued(
            RunRequest.of(
                "file:///srv/shop",
                "0123456789abcdef0123456789abcdef01234567",
                "refs/heads/main",
                new Trigger("github", "d-1", "alice", "0123456789abcdef", "refs/heads/main"),
                Pipelines.parse(
                    "p", "steps:\n  - deploy: {target: production, manifests: [\"k8s/**\"]}\n")),
            Instant.parse("2026-05-20T10:00:00Z"));
    Instant t = Instant.parse("2026-05-20T10:00:02Z");
    List<StepRecord> steps = new ArrayList<>();
    String reasons =
        "the deploy gate refused the deploy to production (1 reason):\n"
            + "  cluster: the cluster has no valid certificate";
    for (StepRecord s : run.steps()) {
      steps.add(s.started(t, 1).finished(StepState.FAILED, t, null, reasons, Map.of()));
    }
    RunRecord failed = run.next(RunState.FAILED, t, t, steps, "failed", null);
    Alerts alerts =
        Alerts.start(f.server.config(), CertificateShelf.at(dir.resolve("none")), s -> {});
    try {
      alerts.changed(failed);
      alerts.changed(failed); // seen twice (a store replay): sent once
      // a run that failed elsewhere is not a refusal
      alerts.changed(run.next(RunState.FAILED, t, t, run.steps(), "failed", null));
      await().atMost(Duration.ofSeconds(30)).until(() -> of("gate-refused").size() == 1);
      assertThat(alerts.notifier().list(10))
          .filteredOn(d -> d.notification().kind() == Notification.Kind.GATE_REFUSED)
          .hasSize(1);
    } finally {
      alerts.close();
    }
    Map<String, Object> n = of("gate-refused").get(0);
    assertThat(n.get("summary"))
        .isEqualTo("the deploy gate refused the deploy to production (1 reason):");
    assertThat(n.toString()).contains("the cluster has no valid certificate");
  }
}
