package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.auth.Access;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served OpenAPI 3.1 document holds the real responses: every operation is called against a
 * running server and each answer is validated against the schema the document gives for its status;
 * the document's duties are the access table's.
 */
class OpenApiConformanceTest {
  @TempDir static Path dir;
  static ServerFixture f;
  static Operations ops;

  @BeforeAll
  static void start() throws Exception {
    f = new ServerFixture(dir);
    ops = new Operations(f);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static Schema schema(JsonNode s) {
    ObjectNode wrapper = Operations.MAPPER.createObjectNode();
    wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    wrapper.set("components", ops.doc.get("components"));
    wrapper.setAll((ObjectNode) s.deepCopy());
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(wrapper);
  }

  static List<String> problems(Operations.Op op, HttpResponse<String> r) throws Exception {
    List<String> out = new ArrayList<>();
    JsonNode resp = op.spec().get("responses").get(Integer.toString(r.statusCode()));
    if (resp == null) {
      out.add(op.id() + ": status " + r.statusCode() + " is not in the document: " + r.body());
      return out;
    }
    JsonNode content = resp.get("content");
    if (content == null) {
      if (!r.body().isEmpty()) {
        out.add(op.id() + ": " + r.statusCode() + " has a body the document does not describe");
      }
      return out;
    }
    String type = content.fieldNames().next();
    String got = r.headers().firstValue("Content-Type").orElse("");
    if (!got.startsWith(type)) {
      out.add(op.id() + ": content type " + got + ", the document says " + type);
      return out;
    }
    if (type.equals("application/json")) {
      var errors =
          schema(content.get(type).get("schema")).validate(Operations.MAPPER.readTree(r.body()));
      errors.forEach(e -> out.add(op.id() + " " + r.statusCode() + ": " + e.getMessage()));
    }
    return out;
  }

  @Test
  void everyOperation_answersWhatTheDocumentDescribes() throws Exception {
    List<String> problems = new ArrayList<>();
    int called = 0;
    for (Operations.Op op : ops.all()) {
      Set<Duty> need = Operations.duties(op);
      Duty use =
          need.isEmpty() ? null : need.contains(Duty.VIEWER) ? Duty.VIEWER : need.iterator().next();
      HttpResponse<String> r = ops.call(op, use == null ? null : f.tokens.get(use));
      // allowed: neither refused nor failed (cancelling a finished run is a documented 409)
      assertThat(r.statusCode())
          .as(op.id() + ": " + r.body())
          .isBetween(200, 409)
          .isNotIn(401, 403);
      problems.addAll(problems(op, r));
      if (op.id().equals("streamRunEvents")) {
        assertThat(r.body())
            .contains("event: status")
            .contains("event: log")
            .contains("event: end");
      }
      if (op.id().equals("streamScanJobEvents")) {
        assertThat(r.body()).contains("event: end").contains("\"outcome\":\"failed\"");
      }
      if (op.id().equals("getMetrics")) {
        assertThat(r.body())
            .contains("cairn_http_requests_seconds_count")
            .contains("cairn_runs{state=\"succeeded\"}");
      }
      called++;
    }
    assertThat(problems).isEmpty();
    assertThat(called).isEqualTo(Access.TABLE.size());
  }

  @Test
  void errors_areDescribedToo() throws Exception {
    Operations.Op getRun =
        ops.all().stream().filter(o -> o.id().equals("getRun")).findFirst().orElseThrow();
    HttpResponse<String> r = f.get("/api/v1/runs/no-such-run", Duty.VIEWER);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(problems(getRun, r)).isEmpty();
    HttpResponse<String> bad = f.get("/api/v1/runs?limit=0", Duty.VIEWER);
    Operations.Op list =
        ops.all().stream().filter(o -> o.id().equals("listRuns")).findFirst().orElseThrow();
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(problems(list, bad)).isEmpty();
  }

  @Test
  void theDocument_andTheAccessTable_nameTheSameOperationsAndDuties() {
    Set<String> inDoc = new HashSet<>();
    for (Operations.Op op : ops.all()) {
      inDoc.add(op.id());
      assertThat(Operations.duties(op)).as(op.id()).isEqualTo(Access.TABLE.get(op.id()));
      assertThat(op.spec().has("security") && op.spec().get("security").isEmpty())
          .as(op.id() + " is open in the document exactly when the table opens it")
          .isEqualTo(Access.open(op.id()));
    }
    assertThat(inDoc).isEqualTo(Access.TABLE.keySet());
  }

  @Test
  void theServedDocument_isTheOneInTheJar() throws Exception {
    HttpResponse<String> r = f.get("/openapi.json", null);
    assertThat(Operations.MAPPER.readTree(r.body())).isEqualTo(ops.doc);
    assertThat(ops.doc.get("openapi").asText()).isEqualTo("3.1.0");
  }
}
