package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.Trigger;
import dev.cairn.supplychain.vuln.VulnDb;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vuln-gate step: through the real run engine (the SBOM named in the workspace) and with a step
 * context that carries an sbom step's output, as the sbom step gives it.
 */
class VulnGateStepTest {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  CairnHome home;
  Path sbom;
  final List<RunEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(RunEngine::close);
  }

  @BeforeEach
  void data() throws Exception {
    home = CairnHome.of(dir.resolve("home"));
    Path osv = dir.resolve("osv.json");
    Files.writeString(
        osv,
        """
        [{"id": "DEBIAN-CVE-2099-0001", "modified": "2026-11-20T10:00:00Z", "aliases": ["CVE-2099-0001"],
          "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]}],
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]},
         {"id": "GHSA-9999-bbbb-0001", "modified": "2026-11-19T00:00:00Z",
          "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}],
          "database_specific": {"severity": "HIGH"}}]
        """);
    VulnDb.open(home, CLOCK).importFrom(osv);
    sbom = dir.resolve("given.cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"type": "library", "name": "openssl", "version": "3.0.11-1~deb12u2",
           "purl": "pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12"},
          {"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"}]}
        """);
  }

  RunEngine engine() throws Exception {
    RunEngine e =
        Pipelines.engine(Pipelines.fileStore(home))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .executor(new VulnGateStep(home, CLOCK))
            .pollInterval(Duration.ofMillis(20))
            .start();
    engines.add(e);
    return e;
  }

  RunRequest request(String gateParams) throws Exception {
    PipelineDefinition d =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            "steps:\n"
                + "  - run: {command: [sh, -c, \"cp "
                + sbom
                + " app.cdx.json && printf 'waivers:\\n  - id: CVE-2099-0001\\n    package: pkg:deb/*\\n    reason: not reachable\\n    expires: 2027-01-31\\n' > waivers.yaml\"]}\n"
                + "  - vuln-gate: "
                + gateParams
                + "\n"
                + "    retries: 0\n");
    return RunRequest.of(
        "file:///repo/shop",
        COMMIT,
        "refs/heads/main",
        new Trigger("github", "d-1", "alice", COMMIT, "refs/heads/main"),
        d);
  }

  @Test
  void failingGate_failsTheRun_andStillRecordsItsCountsAndPredicate() throws Exception {
    RunEngine e = engine();
    RunRecord r =
        e.await(
            e.submit(request("{sbom: app.cdx.json, failOn: high}")).run().id(),
            Duration.ofSeconds(60));
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    StepRecord gate = r.steps().get(1);
    assertThat(gate.message())
        .startsWith(
            "2 findings (1 critical, 1 high, 0 waived); gate at high: failed, 2 findings at or above high");
    assertThat(dev.cairn.pipeline.RunLogs.text(e.store(), r.id()))
        .contains(
            "critical DEBIAN-CVE-2099-0001 in openssl 3.0.11-1~deb12u2 (fixed in 3.0.13-1~deb12u1)");
    // a failed step's outputs are not kept; its log names the result
    assertThat(gate.outputs()).isEmpty();
    Path predicate =
        home.pipeline().resolve("runs").resolve(r.id()).resolve("vuln-gate.vuln-gate.json");
    assertThat(dev.cairn.pipeline.RunLogs.text(e.store(), r.id()))
        .contains("gate result (in-toto predicate https://cairn.dev/vuln-gate/v1): " + predicate);
    Map<String, Object> p = Json.parseObject(Files.readString(predicate));
    assertThat(p.get("passed")).isEqualTo(false);
  }

  @Test
  void waivedAndBelowThreshold_passes() throws Exception {
    RunEngine e = engine();
    RunRecord r =
        e.await(
            e.submit(
                    request(
                        "{sbom: app.cdx.json, failOn: critical, waivers: waivers.yaml, maxDbAge: 30d}"))
                .run()
                .id(),
            Duration.ofSeconds(60));
    assertThat(r.state()).as(r.message()).isEqualTo(RunState.SUCCEEDED);
    Map<String, String> out = r.steps().get(1).outputs();
    assertThat(out)
        .containsEntry("critical", "0")
        .containsEntry("high", "1")
        .containsEntry("passed", "true")
        .containsEntry("dbDate", "2026-11-20T10:00:00Z")
        .containsKey("dbDigest")
        .containsKey("vulnGate");
  }

  /** A step context as the engine gives one after an sbom step whose output names the SBOM. */
  private StepContext context(String gateParams, Map<String, String> sbomOutputs) throws Exception {
    PipelineDefinition d =
        Pipelines.parse(".cairn/pipeline.yaml", "steps:\n  - vuln-gate: " + gateParams + "\n");
    StepSpec gate = d.steps().get(0);
    Path ws = Files.createDirectories(dir.resolve("ctx-ws"));
    RunRequest req =
        RunRequest.of(
            "file:///repo/shop",
            COMMIT,
            "refs/heads/main",
            new Trigger("github", "d-2", "bob", COMMIT, "refs/heads/main"),
            d);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    return new StepContext() {
      @Override
      public String runId() {
        return "r-ctx";
      }

      @Override
      public RunRequest request() {
        return req;
      }

      @Override
      public StepSpec step() {
        return gate;
      }

      @Override
      public int attempt() {
        return 1;
      }

      @Override
      public Path workspace() {
        return ws;
      }

      @Override
      public Map<String, String> env() {
        return Map.of();
      }

      @Override
      public Map<String, Secret> secrets() {
        return Map.of();
      }

      @Override
      public Map<String, Map<String, String>> outputs() {
        return Map.of("sbom", sbomOutputs);
      }

      @Override
      public Optional<String> output(StepKind kind, String key) {
        return kind == StepKind.SBOM ? Optional.ofNullable(sbomOutputs.get(key)) : Optional.empty();
      }

      @Override
      public StepLog log() {
        return new StepLog() {
          @Override
          public void line(String text) {
            log.writeBytes((text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }

          @Override
          public OutputStream output() {
            return log;
          }
        };
      }

      @Override
      public void mask(Secret secret) {}

      @Override
      public boolean cancelled() {
        return false;
      }

      @Override
      public void onCancel(Runnable action) {}
    };
  }

  @Test
  void readsTheSbomStepsOutput() throws Exception {
    StepResult r =
        new VulnGateStep(home, CLOCK)
            .execute(context("{failOn: critical}", Map.of("sbom", sbom.toString())));
    assertThat(r.succeeded()).isFalse();
    assertThat(r.outputs()).containsEntry("critical", "1");
    assertThat(Path.of(r.outputs().get("vulnGate")))
        .startsWith(home.dir("vulndb").resolve("gates").resolve("r-ctx"));
  }

  @Test
  void noSbom_badParams_areNamedAtTheStep() throws Exception {
    VulnGateStep step = new VulnGateStep(home, CLOCK);
    assertThatThrownBy(() -> step.execute(context("{}", Map.of())))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining(".cairn/pipeline.yaml:2:5: the vuln-gate step has no SBOM");
    assertThatThrownBy(
            () -> step.execute(context("{failOn: severe}", Map.of("sbom", sbom.toString()))))
        .hasMessageContaining("unknown severity 'severe' in failOn");
    assertThatThrownBy(
            () -> step.execute(context("{maxDbAge: soon}", Map.of("sbom", sbom.toString()))))
        .hasMessageContaining("cannot read maxDbAge 'soon'");
    assertThatThrownBy(() -> step.execute(context("{sbom: ../../x.json}", Map.of())))
        .hasMessageContaining("sbom path '../../x.json' leaves the workspace");
    assertThatThrownBy(
            () ->
                Pipelines.parse(".cairn/pipeline.yaml", "steps:\n  - vuln-gate: {fail-on: high}\n"))
        .hasMessageContaining(
            "unknown parameter 'fail-on' of a 'vuln-gate' step (known: failOn, maxDbAge, sbom,"
                + " waivers)");
  }
}
