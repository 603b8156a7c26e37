package dev.cairn.pipeline.steps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.BuilderEvidence;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuilderProtocolTest {
  static final BuilderProtocol.Task TASK =
      new BuilderProtocol.Task(
          "/home/cairn",
          "127.0.0.1:5000/team/app@sha256:" + "a".repeat(64),
          "run-7",
          "https://git.example/app.git",
          "refs/heads/main",
          "b".repeat(40),
          "https://git.example/app.git",
          Digest.sha256("pipeline"),
          "github",
          List.of(
              new BuilderProtocol.Dependency(
                  "https://git.example/app.git", Map.of("gitCommit", "b".repeat(40))),
              new BuilderProtocol.Dependency(
                  "oci://127.0.0.1:5000/base/tiny:1", Map.of("sha256", "c".repeat(64)))),
          Instant.parse("2026-12-01T10:00:00Z"),
          "{\"provider\":\"simulation\"}",
          List.of(
              new BuilderProtocol.Extra(
                  Extras.CYCLONEDX, "/work/ws/sbom.cdx.json", Digest.sha256("bom")),
              new BuilderProtocol.Extra(
                  Extras.VULN_GATE, "/work/ws/vuln-gate.json", Digest.sha256("gate"))));

  static final BuilderProtocol.BuildTask BUILD =
      new BuilderProtocol.BuildTask(
          "/home/cairn",
          "run-7",
          "b".repeat(40),
          "dockerfile",
          "/work/ws/app",
          "/work/ws/app/Dockerfile",
          Map.of("VERSION", "1.0"),
          "runtime",
          Map.of("127.0.0.1:5000/base/tiny:1", "/work/build-run-7/base-0.tar"),
          "/work/build-run-7",
          "/work/build-run-7/image.oci.tar",
          "",
          List.of(),
          "",
          "",
          Map.of(),
          600);

  @Test
  void everyMessage_roundTripsThroughTheOneCodec() {
    assertThat(BuilderProtocol.decodeTask(BuilderProtocol.encode(TASK))).isEqualTo(TASK);
    assertThat(BuilderProtocol.isBuild(BuilderProtocol.encode(TASK))).isFalse();
    String build = BuilderProtocol.encode(BUILD);
    assertThat(BuilderProtocol.isBuild(build)).isTrue();
    assertThat(BuilderProtocol.decodeBuildTask(build)).isEqualTo(BUILD);
    BuilderProtocol.BuildTask java =
        new BuilderProtocol.BuildTask(
            "/home/cairn",
            "run-8",
            "",
            "maven",
            "/work/ws/app",
            "",
            Map.of(),
            "",
            Map.of(),
            "/work/build-run-8",
            "/work/build-run-8/image.oci.tar",
            "127.0.0.1:5000/base/jre:21",
            List.of("-B", "-q", "package"),
            "dev.example.Main",
            "jar",
            Map.of("CI", "true"),
            60);
    assertThat(BuilderProtocol.decodeBuildTask(BuilderProtocol.encode(java))).isEqualTo(java);
    BuilderProtocol.Instructions i =
        new BuilderProtocol.Instructions(
            "http://127.0.0.1:1234", "cairn-build", "builder", Digest.sha256("policy"), "AAAA");
    assertThat(BuilderProtocol.decodeInstructions(BuilderProtocol.encode(i))).isEqualTo(i);
    for (BuilderProtocol.Outcome o :
        List.<BuilderProtocol.Outcome>of(
            new BuilderProtocol.Signed(
                Digest.sha256("m"),
                "simulation",
                "c2ln",
                "{\"payload\":\"\"}",
                Digest.sha256("e"),
                List.of("{\"payload\":\"e1\"}", "{\"payload\":\"e2\"}")),
            new BuilderProtocol.Built(
                Digest.sha256("m"), "simulation", Digest.sha256("image"), "jib-core", "{}"),
            new BuilderProtocol.Error("refused"))) {
      assertThat(BuilderProtocol.decodeOutcome(BuilderProtocol.encode(o))).isEqualTo(o);
    }
  }

  @Test
  void malformedMessages_areRefused_namingTheField() {
    assertThatThrownBy(() -> BuilderProtocol.decodeOutcome("{\"status\":\"done\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown status done");
    assertThatThrownBy(() -> BuilderProtocol.decodeOutcome("{\"status\":\"signed\"}"))
        .hasMessage("missing 'measurement'");
    assertThatThrownBy(() -> BuilderProtocol.decodeTask("[]"))
        .isInstanceOf(IllegalArgumentException.class);
    String build = BuilderProtocol.encode(BUILD);
    assertThatThrownBy(
            () -> BuilderProtocol.decodeBuildTask(build.replace("\"dockerfile\",", "\"make\",")))
        .hasMessage("unknown build tool make");
    assertThatThrownBy(
            () -> BuilderProtocol.decodeBuildTask(build.replace("\"/work/ws/app\"", "\"ws\"")))
        .hasMessage("the build task's paths must be absolute: ws");
    assertThatThrownBy(() -> BuilderProtocol.decodeBuildTask(build.replace("\"1.0\"", "1")))
        .hasMessage("'args.VERSION' is not a string");
  }

  @Test
  void attestedProvenance_statesTheMeasurementTeeAndEvidence_andTheRunsFacts() throws Exception {
    byte[] evidence = "{\"measurement\":\"sha256:...\"}".getBytes(StandardCharsets.UTF_8);
    Digest m = Digest.sha256("builder");
    Map<String, Object> p =
        Provenance.predicate(
            TASK,
            Provenance.attestedBuilder(m, "simulation"),
            List.of(Provenance.evidence(evidence)),
            Instant.parse("2026-12-01T10:00:07Z"));
    Map<String, Object> back = Json.parseObject(Json.canonical(p));
    Map<?, ?> run = (Map<?, ?>) back.get("runDetails");
    assertThat(run.get("builder"))
        .isEqualTo(
            Map.of(
                "id",
                "https://cairn.dev/builder/attested/v1",
                "version",
                Map.of("cairn.dev/measurement", m.toString(), "cairn.dev/tee", "simulation")));
    assertThat(run.get("byproducts"))
        .isEqualTo(
            List.of(
                Map.of(
                    "name",
                    "attestation-evidence",
                    "digest",
                    Map.of("sha256", Digest.sha256(evidence).hex()),
                    "mediaType",
                    "application/vnd.cairn.attestation-evidence+json",
                    "content",
                    java.util.Base64.getEncoder().encodeToString(evidence))));
    assertThat(run.get("metadata"))
        .isEqualTo(
            Map.of(
                "invocationId", "run-7",
                "startedOn", "2026-12-01T10:00:00Z",
                "finishedOn", "2026-12-01T10:00:07Z"));
    Map<?, ?> def = (Map<?, ?>) back.get("buildDefinition");
    assertThat((List<?>) def.get("resolvedDependencies")).hasSize(2);
    assertThat(def.get("externalParameters"))
        .isEqualTo(
            Map.of(
                "repository", "https://git.example/app.git",
                "ref", "refs/heads/main",
                "pipeline", "https://git.example/app.git",
                "pipelineDigest", Digest.sha256("pipeline").toString()));
  }

  @Test
  void attestedProvenance_carriesTheBuildsEvidence_besideTheSigningsEvidence() throws Exception {
    byte[] signing = "{\"measurement\":\"sha256:...\"}".getBytes(StandardCharsets.UTF_8);
    List<Map<String, Object>> bp = Provenance.byproducts(signing, TASK.buildEvidence());
    assertThat(bp)
        .extracting(m -> m.get("name"))
        .containsExactly(BuilderEvidence.EVIDENCE_NAME, BuilderEvidence.BUILD_EVIDENCE_NAME);
    byte[] build = TASK.buildEvidence().getBytes(StandardCharsets.UTF_8);
    assertThat(bp.get(1).get("digest")).isEqualTo(Map.of("sha256", Digest.sha256(build).hex()));
    assertThat(Provenance.byproducts(signing, "")).hasSize(1);
  }

  @Test
  void buildEvidenceBinding_coversImageRunAndCommit() {
    Digest image = Digest.sha256("image");
    byte[] rd = BuilderEvidence.buildReportData(image, "run-7", "b".repeat(40));
    assertThat(rd).hasSize(64);
    assertThat(BuilderEvidence.buildReportData(image, "run-8", "b".repeat(40))).isNotEqualTo(rd);
    assertThat(BuilderEvidence.buildReportData(image, "run-7", "c".repeat(40))).isNotEqualTo(rd);
    assertThat(BuilderEvidence.buildReportData(Digest.sha256("x"), "run-7", "b".repeat(40)))
        .isNotEqualTo(rd);
    // never the signing's binding of the same facts
    assertThat(BuilderEvidence.reportData(image, Digest.sha256("key"), "run-7")).isNotEqualTo(rd);
  }

  @Test
  void localProvenance_saysItIsTheLocalBuilder_withNoByproducts() {
    Map<String, Object> p =
        Provenance.predicate(TASK, Provenance.localBuilder(), List.of(), Instant.EPOCH);
    Map<?, ?> run = (Map<?, ?>) p.get("runDetails");
    assertThat(run.get("builder")).isEqualTo(Map.of("id", "https://cairn.dev/builder/local/v1"));
    assertThat(run.containsKey("byproducts")).isFalse();
  }

  @Test
  void evidenceBinding_coversImageKeyAndRun() {
    Digest image = Digest.sha256("image");
    Digest key = Digest.sha256("key");
    byte[] rd = BuilderEvidence.reportData(image, key, "run-7");
    assertThat(rd).hasSize(64);
    assertThat(BuilderEvidence.reportData(image, key, "run-8")).isNotEqualTo(rd);
    assertThat(BuilderEvidence.reportData(image, Digest.sha256("other"), "run-7")).isNotEqualTo(rd);
    assertThat(BuilderEvidence.reportData(Digest.sha256("other"), key, "run-7")).isNotEqualTo(rd);
  }
}
