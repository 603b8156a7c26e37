package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.store.ScanStore.Scan;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedules and scans API: shapes, a bad schedule's 400, audit records, the scan trend. */
class ScheduleApiTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;

  String body(Path kubeconfig, String schedule) {
    return Json.canonical(Map.of("kubeconfig", kubeconfig.toString(), "schedule", schedule));
  }

  @Test
  void aBadSchedule_is400_withOneLineNamingTheField_andAHint() throws Exception {
    try (ServerFixture f = new ServerFixture(dir, b -> b.scheduleTick(Duration.ZERO))) {
      Path kc = f.brokenKubeconfig();
      HttpResponse<String> r =
          f.send("PUT", "/api/v1/schedules/prod", f.tokens.get(Duty.OPS), body(kc, "0 3 * * FUN"));
      assertThat(r.statusCode()).isEqualTo(400);
      Map<String, Object> e = ServerFixture.json(r);
      assertThat(e.get("error")).isEqualTo("bad-schedule");
      assertThat((String) e.get("message"))
          .isEqualTo(
              "not a cron schedule: '0 3 * * FUN': the day-of-week field 'FUN' has 'FUN', which"
                  + " is not a number from 0 to 7 or a name (SUN..SAT)")
          .doesNotContain("\n");
      assertThat((String) e.get("hint")).contains("five fields").contains("@daily");
      HttpResponse<String> noFile =
          f.send(
              "PUT",
              "/api/v1/schedules/prod",
              f.tokens.get(Duty.OPS),
              body(dir.resolve("nope.kubeconfig"), "@daily"));
      assertThat(noFile.statusCode()).isEqualTo(400);
      assertThat(ServerFixture.json(noFile).get("error")).isEqualTo("bad-kubeconfig");
      assertThat(f.stores.clusters().list()).as("nothing registered").isEmpty();
      assertThat(
              f.send("PUT", "/api/v1/schedules/prod", f.tokens.get(Duty.DEV), body(kc, "@daily"))
                  .statusCode())
          .as("Dev may not")
          .isEqualTo(403);
    }
  }

  @Test
  void register_list_scanNow_andRemove_areAudited_andScansListNewestFirst() throws Exception {
    SteppedClock clock = new SteppedClock(T0);
    try (ServerFixture f =
        new ServerFixture(dir, b -> b.clock(clock).scheduleTick(Duration.ZERO))) {
      Path kc = f.brokenKubeconfig();
      HttpResponse<String> put =
          f.send("PUT", "/api/v1/schedules/prod", f.tokens.get(Duty.SEC), body(kc, "0 3 * * *"));
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      assertThat(ServerFixture.json(put))
          .containsEntry("name", "prod")
          .containsEntry("schedule", "0 3 * * *")
          .containsEntry("kubeconfig", kc.toString())
          .containsEntry("registeredAt", T0.toString())
          .containsEntry("nextScan", "2026-12-02T03:00:00Z")
          .containsEntry("lastScan", null)
          .containsEntry("certificate", null);
      assertThat(
              f.send("PUT", "/api/v1/schedules/prod", f.tokens.get(Duty.OPS), body(kc, "@hourly"))
                  .statusCode())
          .as("replaced")
          .isEqualTo(200);
      // two scans, as the scheduler stores them
      Scan a =
          f.stores.scans().add(new Scan(0, "prod", T0, Map.of("cis", Map.of("high", 4)), "{}"));
      Scan b =
          f.stores
              .scans()
              .add(
                  new Scan(
                      0, "prod", T0.plusSeconds(3600), Map.of("cis", Map.of("high", 1)), "{}"));
      Map<String, Object> list = ServerFixture.json(f.get("/api/v1/schedules", Duty.VIEWER));
      @SuppressWarnings("unchecked")
      Map<String, Object> prod = ((List<Map<String, Object>>) list.get("clusters")).get(0);
      assertThat(prod.get("schedule")).isEqualTo("@hourly");
      assertThat(prod.get("lastScan"))
          .isEqualTo(
              Map.of(
                  "id", b.id(),
                  "scannedAt", b.scannedAt().toString(),
                  "findings", Map.of("cis", Map.of("high", 1L))));
      assertThat(prod.get("nextScan")).isEqualTo("2026-12-01T12:00:00Z");
      Map<String, Object> scans =
          ServerFixture.json(f.get("/api/v1/scans?cluster=prod&limit=10", Duty.VIEWER));
      List<Object> ids =
          ((List<?>) scans.get("scans"))
              .stream().map(s -> (Object) ((Map<?, ?>) s).get("id")).toList();
      assertThat(ids).containsExactly(b.id(), a.id());
      assertThat(f.get("/api/v1/scans/" + a.id(), Duty.VIEWER).statusCode()).isEqualTo(200);
      assertThat(f.get("/api/v1/scans/999999", Duty.VIEWER).statusCode()).isEqualTo(404);
      // scan now: 202 with the job, whose events end
      HttpResponse<String> start =
          f.send("POST", "/api/v1/schedules/prod/scan", f.tokens.get(Duty.OPS), null);
      assertThat(start.statusCode()).isEqualTo(202);
      String job = (String) ServerFixture.json(start).get("scan");
      assertThat(ServerFixture.json(start))
          .containsEntry("events", "/api/v1/scan-jobs/" + job + "/events");
      HttpResponse<String> sse = f.get("/api/v1/scan-jobs/" + job + "/events", Duty.VIEWER);
      assertThat(sse.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      assertThat(sse.body()).contains("event: end").contains("\"outcome\":\"failed\"");
      assertThat(f.get("/api/v1/scan-jobs/job-000000000000/events", Duty.VIEWER).statusCode())
          .isEqualTo(404);
      assertThat(
              f.send("DELETE", "/api/v1/schedules/prod", f.tokens.get(Duty.OPS), null).statusCode())
          .isEqualTo(200);
      assertThat(
              f.send("DELETE", "/api/v1/schedules/prod", f.tokens.get(Duty.OPS), null).statusCode())
          .isEqualTo(404);
      List<String> actions =
          f.stores.audit().read().stream()
              .filter(m -> "api".equals(m.get("event")))
              .map(m -> m.get("action") + " " + m.get("outcome"))
              .toList();
      assertThat(actions)
          .containsExactly(
              "schedule.put registered",
              "schedule.put replaced",
              "schedule.scan started " + job,
              "schedule.delete removed");
    }
  }
}
