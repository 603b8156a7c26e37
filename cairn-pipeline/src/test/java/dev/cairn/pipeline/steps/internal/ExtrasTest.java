package dev.cairn.pipeline.steps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtrasTest {
  @TempDir Path dir;

  private BuilderProtocol.Task task(List<BuilderProtocol.Extra> extras) {
    BuilderProtocol.Task t = BuilderProtocolTest.TASK;
    return new BuilderProtocol.Task(
        t.home(),
        t.image(),
        t.runId(),
        t.repository(),
        t.ref(),
        t.commit(),
        t.pipeline(),
        t.pipelineDigest(),
        t.trigger(),
        t.dependencies(),
        t.startedOn(),
        t.buildEvidence(),
        extras);
  }

  @Test
  void statements_putEachFileAsThePredicateOfAStatementAboutTheImage() throws Exception {
    byte[] bom =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[]}"
            .getBytes(StandardCharsets.UTF_8);
    Path f = Files.write(dir.resolve("sbom.cdx.json"), bom);
    BuilderProtocol.Task t =
        task(
            List.of(new BuilderProtocol.Extra(Extras.CYCLONEDX, f.toString(), Digest.sha256(bom))));
    List<byte[]> st = Extras.statements(t);
    assertThat(st).hasSize(1);
    Map<String, Object> s = Json.parseObject(new String(st.get(0), StandardCharsets.UTF_8));
    assertThat(s.get("_type")).isEqualTo("https://in-toto.io/Statement/v1");
    assertThat(s.get("predicateType")).isEqualTo("https://cyclonedx.org/bom");
    assertThat(s.get("predicate"))
        .isEqualTo(Json.parseObject(new String(bom, StandardCharsets.UTF_8)));
    assertThat(s.get("subject").toString()).contains("a".repeat(64));
    List<Map<String, Object>> bp = Extras.byproducts(t);
    assertThat(bp)
        .containsExactly(
            Map.of(
                "name",
                Extras.CYCLONEDX,
                "digest",
                Map.of("sha256", Digest.sha256(bom).hex()),
                "mediaType",
                "application/vnd.cyclonedx+json"));
  }

  @Test
  void statements_refuseAFileThatChangedSinceItsStepWroteIt() throws Exception {
    Path f = Files.writeString(dir.resolve("gate.json"), "{\"passed\":true}");
    BuilderProtocol.Task t =
        task(
            List.of(
                new BuilderProtocol.Extra(
                    Extras.VULN_GATE, f.toString(), Digest.sha256("{\"passed\":false}"))));
    assertThatThrownBy(() -> Extras.statements(t))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("https://cairn.dev/vuln-gate/v1 predicate " + f)
        .hasMessageContaining("nothing was signed");
  }

  @Test
  void statements_refuseAPredicateThatIsNotAJsonObject() throws Exception {
    Path f = Files.writeString(dir.resolve("gate.json"), "[1]");
    BuilderProtocol.Task t =
        task(
            List.of(
                new BuilderProtocol.Extra(Extras.VULN_GATE, f.toString(), Digest.sha256("[1]"))));
    assertThatThrownBy(() -> Extras.statements(t)).hasMessageContaining("is not a JSON object");
  }
}
