package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.core.Json;
import dev.cairn.core.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/pipeline-schema.json and the reader agree on docs/pipeline-examples: the valid examples pass
 * both, each {@code invalid-*} example fails both.
 */
class PipelineSchemaTest {
  static final Path DOCS = Path.of("../docs");

  static Schema schema() throws Exception {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
        .getSchema(Files.readString(DOCS.resolve("pipeline-schema.json")));
  }

  static JsonNode node(String file, String yaml) throws Exception {
    Object v = Yaml.parseDocument(file, yaml, 0).value();
    return new ObjectMapper().readTree(Json.canonical(v == null ? java.util.Map.of() : v));
  }

  static List<Path> examples() throws Exception {
    try (Stream<Path> s = Files.list(DOCS.resolve("pipeline-examples"))) {
      return s.sorted().toList();
    }
  }

  @Test
  void examples_andTheDefaults_agreeWithTheSchemaAndTheReader() throws Exception {
    Schema schema = schema();
    List<Path> all = examples();
    assertThat(all).hasSizeGreaterThanOrEqualTo(4);
    for (Path p : all) {
      String text = Files.readString(p);
      boolean invalid = p.getFileName().toString().startsWith("invalid-");
      var errors = schema.validate(node(p.toString(), text));
      if (invalid) {
        assertThat(errors).as(p.toString()).isNotEmpty();
        assertThatThrownBy(() -> Pipelines.parse(p.toString(), text))
            .as(p.toString())
            .isInstanceOf(PipelineException.class);
      } else {
        assertThat(errors).as(p.toString()).isEmpty();
        assertThat(Pipelines.parse(p.toString(), text).steps()).isNotEmpty();
      }
    }
    assertThat(schema.validate(node("defaults", Pipelines.defaults().text()))).isEmpty();
    assertThat(schema.validate(node("full", PipelinesTest.FULL))).isEmpty();
  }

  @Test
  void schema_refusesWhatTheReaderRefuses() throws Exception {
    Schema schema = schema();
    for (String bad :
        List.of(
            "steps: [enclave]\n",
            "steps: [{bulid: {}}]\n",
            "steps: [{run: {command: [make]}, timeout: soon}]\n",
            "steps: [{run: {}}]\n",
            "steps: [{build: {}, push: {}}]\n",
            "concurrency: {mode: sometimes}\nsteps: [checkout]\n",
            "concurrency: {key: \"${who}\"}\nsteps: [checkout]\n",
            "steps: []\n")) {
      assertThat(schema.validate(node("bad", bad))).as(bad).isNotEmpty();
      assertThatThrownBy(() -> Pipelines.parse("bad", bad))
          .as(bad)
          .isInstanceOf(PipelineException.class);
    }
  }
}
