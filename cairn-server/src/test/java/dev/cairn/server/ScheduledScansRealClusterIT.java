package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.core.Json;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.scanner.Framework;
import dev.cairn.server.schedule.ScanJob;
import dev.cairn.server.store.ScanStore.Scan;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled scans of the real test cluster through the server, on a stepped clock: a registered
 * cluster is scanned when its schedule fires (real findings stored, progress streamed), certified
 * when it has no certificate (and the certificate verifies through cairn-certify), not certified
 * again while its certificate is fresh, and re-certified once it expires within the window.
 */
@RealClusterTest
class ScheduledScansRealClusterIT {
  @TempDir Path dir;

  record Heard(String cluster, long scan, Long previous) {}

  @Test
  void scheduledScans_storeRealFindings_andReCertifyOnlyAsTheCertificateExpires(RealCluster cluster)
      throws Exception {
    // a workload that passes the restricted profile (so a certificate can be issued) but has
    // best-practice findings (no resource limits, an image by tag)
    String ns = cluster.newNamespace("schedule");
    cluster
        .client()
        .resource(
            new ByteArrayInputStream(
                ("apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec:\n"
                        + "  securityContext: {runAsNonRoot: true, runAsUser: 10001,"
                        + " seccompProfile: {type: RuntimeDefault}}\n"
                        + "  containers:\n  - name: api\n    image: registry.example/api:1\n"
                        + "    securityContext: {allowPrivilegeEscalation: false,"
                        + " capabilities: {drop: [ALL]}}\n")
                    .getBytes(StandardCharsets.UTF_8)))
        .inNamespace(ns)
        .create();
    // the scheduler's clock starts days back and never passes the real time: the certifying
    // workload signs at the real time, which must not be before the trust root's entries
    SteppedClock clock =
        new SteppedClock(Instant.now().minus(Duration.ofDays(4)).truncatedTo(ChronoUnit.SECONDS));
    Consumer<ServerConfig.Builder> tune =
        b ->
            b.clock(clock)
                .scheduleTick(Duration.ZERO)
                .expiringWithin(Duration.ofDays(10))
                .certifyFrameworks(Set.of(Framework.PSS_RESTRICTED));
    // the same server with a window wider than a certificate's 30 days: every certificate expires
    // within it
    Consumer<ServerConfig.Builder> wideWindow =
        tune.andThen(b -> b.expiringWithin(Duration.ofDays(40)));
    ServerFixture f = new ServerFixture(dir, tune);
    try {
      // a home of its own making: no fixture certificates or trust root
      f.server.close();
      Files.delete(f.home.trustRoot());
      try (var files = Files.list(f.home.dir("certificates"))) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      List<Heard> heard = new CopyOnWriteArrayList<>();
      f.scans =
          (c, scan, previous) ->
              heard.add(new Heard(c.name(), scan.id(), previous == null ? null : previous.id()));
      f.server = f.start(tune);

      HttpResponse<String> put =
          f.send(
              "PUT",
              "/api/v1/schedules/live",
              f.tokens.get(Duty.OPS),
              Json.canonical(
                  Map.of("kubeconfig", cluster.kubeconfig().toString(), "schedule", "0 3 * * *")));
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      var scheduler = f.server.scheduler();
      assertThat(scheduler.tick()).as("registered, not yet due").isEmpty();

      // 1. the schedule fires: a scan with real findings; no certificate yet, so one is issued
      clock.set(nextThreeOClock(clock.instant()));
      List<ScanJob> jobs = scheduler.tick();
      assertThat(jobs).hasSize(1);
      CompletableFuture<HttpResponse<String>> sse =
          f.http.sendAsync(
              HttpRequest.newBuilder(f.uri("/api/v1/scan-jobs/" + jobs.get(0).id() + "/events"))
                  .header("Authorization", bearer(f, Duty.VIEWER))
                  .timeout(Duration.ofMinutes(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      ScanJob.Outcome first = jobs.get(0).done().get(5, TimeUnit.MINUTES);
      assertThat(first.result())
          .as(String.valueOf(first.error()))
          .isEqualTo(ScanJob.Result.CERTIFIED);
      Scan scan1 = f.stores.scans().get(first.scan()).orElseThrow();
      int total =
          scan1.findings().values().stream()
              .flatMap(m -> m.values().stream())
              .mapToInt(Integer::intValue)
              .sum();
      assertThat(total).as("real findings: " + scan1.findings()).isPositive();
      assertThat(scan1.findings()).containsKey("best-practice");
      Map<String, Object> report = Json.parseObject(scan1.reportJson());
      assertThat(((Number) report.get("objects")).longValue()).isPositive();
      assertThat(heard).containsExactly(new Heard("live", scan1.id(), null));

      // its progress streamed: progress events (check pack, checks, objects), then end
      String events = sse.get(5, TimeUnit.MINUTES).body();
      assertThat(events).contains("event: progress").contains("\"checkPack\":\"sha256:");
      assertThat(events).contains("\"phase\":\"scan\"").contains("\"phase\":\"certify\"");
      assertThat(events.indexOf("event: end")).isGreaterThan(events.lastIndexOf("event: progress"));
      assertThat(events)
          .contains("\"outcome\":\"certified\"")
          .contains("\"certificate\":\"" + first.certificate() + "\"");

      // the certificate is on the server's shelf and verifies through cairn-certify
      CertificateShelf.Shelved c1 = f.stores.certificates().find(first.certificate()).orElseThrow();
      VerifyResult v =
          Verifier.create(f.home, java.time.Clock.systemUTC())
              .verify(VerifyRequest.of(c1.bundle()).withKubeconfig(cluster.kubeconfig()));
      assertThat(v).as(v.toString()).isInstanceOf(VerifyResult.Verified.class);
      Map<String, Object> schedules = ServerFixture.json(f.get("/api/v1/schedules", Duty.VIEWER));
      @SuppressWarnings("unchecked")
      Map<String, Object> live = ((List<Map<String, Object>>) schedules.get("clusters")).get(0);
      assertThat(live.get("certificate")).isEqualTo(first.certificate());
      assertThat(((Map<?, ?>) live.get("lastScan")).get("id")).isEqualTo(scan1.id());

      // 2. a day later: scanned again; the certificate is fresh, so no new one
      clock.step(Duration.ofDays(1));
      jobs = scheduler.tick();
      assertThat(jobs).hasSize(1);
      ScanJob.Outcome second = jobs.get(0).done().get(5, TimeUnit.MINUTES);
      assertThat(second.result())
          .as(String.valueOf(second.error()))
          .isEqualTo(ScanJob.Result.SCANNED);
      assertThat(second.certificate()).isNull();
      assertThat(heard.get(1)).isEqualTo(new Heard("live", second.scan(), scan1.id()));

      // 3. restarted with a window of 40 days, the 30-day certificate expires within it: the next
      // fire re-certifies
      f.restart(wideWindow);
      scheduler = f.server.scheduler();
      assertThat(scheduler.tick()).as("scanned at this time already").isEmpty();
      clock.step(Duration.ofDays(1));
      jobs = scheduler.tick();
      assertThat(jobs).hasSize(1);
      ScanJob.Outcome third = jobs.get(0).done().get(5, TimeUnit.MINUTES);
      assertThat(third.result())
          .as(String.valueOf(third.error()))
          .isEqualTo(ScanJob.Result.CERTIFIED);
      assertThat(third.certificate()).isNotEqualTo(first.certificate());
      CertificateShelf.Shelved c3 = f.stores.certificates().find(third.certificate()).orElseThrow();
      assertThat(c3.certificate().clusterId()).isEqualTo(c1.certificate().clusterId());
      assertThat(c3.certificate().expiresAt()).isAfter(c1.certificate().expiresAt());

      List<String> audit = new ArrayList<>();
      for (Map<String, Object> m : f.stores.audit().read()) {
        if ("schedule".equals(m.get("event"))) {
          audit.add(m.get("action") + " " + m.get("outcome"));
        }
      }
      assertThat(audit)
          .containsExactly(
              "scan scanned",
              "certify certified",
              "scan scanned",
              "scan scanned",
              "certify certified");
      Map<String, Object> scans =
          ServerFixture.json(f.get("/api/v1/scans?cluster=live", Duty.VIEWER));
      assertThat((List<?>) scans.get("scans")).hasSize(3);
    } finally {
      f.close();
    }
  }

  static Instant nextThreeOClock(Instant after) {
    Instant t = after.atZone(ZoneOffset.UTC).toLocalDate().atTime(3, 0).toInstant(ZoneOffset.UTC);
    return t.isAfter(after) ? t : t.plus(Duration.ofDays(1));
  }

  static String bearer(ServerFixture f, Duty d) {
    return "Bearer " + new String(f.tokens.get(d).bytes(), StandardCharsets.UTF_8);
  }
}
