package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;

/** Golden files for every report format; {@code -Dgolden.update=true} rewrites them. */
class ReportsTest {
  static final Path INPUT = Path.of("src/test/resources/golden/input.yaml");
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  static ScanReport report() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    Waivers waivers =
        Waivers.of(
            List.of(
                new Waiver(
                    "CRN-105",
                    "monitoring",
                    "node-agent",
                    "DaemonSet",
                    "exports node metrics",
                    Instant.parse("2099-01-01T00:00:00Z"),
                    new dev.cairn.core.SourceLocation("exceptions.yaml", 2, 5))));
    ScanReport r =
        Scanners.create(
                ScanOptions.defaults().withClock(clock).withParallelism(2).withWaivers(waivers))
            .scan(List.of(ObjectSources.manifests(List.of(INPUT), System.in)));
    return new ScanReport(
        r.tool(),
        r.source(),
        r.frameworks(),
        r.checkPackDigest(),
        r.startedAt(),
        Duration.ZERO,
        r.objects(),
        r.results(),
        r.notices());
  }

  static String render(ScanReport r, ReportFormat f, boolean color) throws Exception {
    StringWriter w = new StringWriter();
    Reports.write(r, f, w, color);
    return w.toString();
  }

  @ParameterizedTest
  @EnumSource(ReportFormat.class)
  void report_matchesGoldenFile(ReportFormat format) throws Exception {
    String actual = render(report(), format, false);
    Path golden = GOLDEN.resolve("report." + format.name().toLowerCase(java.util.Locale.ROOT));
    if (Boolean.getBoolean("golden.update") || !Files.exists(golden)) {
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(golden));
  }

  @Test
  void table_colorsOnlyWhenAsked() throws Exception {
    assertThat(render(report(), ReportFormat.TABLE, false)).doesNotContain("\u001b[");
    assertThat(render(report(), ReportFormat.TABLE, true)).contains("\u001b[31mFAILED");
  }

  @Test
  void json_hasStableSchemaAndCounts() throws Exception {
    JsonNode j = Json.mapper().readTree(render(report(), ReportFormat.JSON, false));
    assertThat(j.get("schema").asText()).isEqualTo("cairn.dev/scan-report/v1");
    assertThat(j.get("objects").asLong()).isEqualTo(3);
    JsonNode c105 = null;
    for (JsonNode c : j.get("checks")) {
      if (c.get("id").asText().equals("CRN-105")) {
        c105 = c;
      }
    }
    assertThat(c105).isNotNull();
    assertThat(c105.get("counts").get("waived").asLong()).isEqualTo(1);
    assertThat(c105.get("findings").get(0).get("waiver").get("reason").asText())
        .isEqualTo("exports node metrics");
  }

  @Test
  void json_validatesAgainstDocumentedSchema() throws Exception {
    com.networknt.schema.Schema schema =
        com.networknt.schema.SchemaRegistry.withDefaultDialect(
                com.networknt.schema.SpecificationVersion.DRAFT_7)
            .getSchema(Files.readString(Path.of("../docs/report-schema.json")));
    JsonNode doc = Json.mapper().readTree(render(report(), ReportFormat.JSON, false));
    assertThat(schema.validate(doc)).isEmpty();
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc).put("schema", "other");
    assertThat(schema.validate(doc)).isNotEmpty();
  }

  @Test
  void sarif_hasFileLineLocationsAndSuppressions() throws Exception {
    JsonNode run =
        Json.mapper().readTree(render(report(), ReportFormat.SARIF, false)).get("runs").get(0);
    JsonNode first = run.get("results").get(0);
    JsonNode phys = first.get("locations").get(0).get("physicalLocation");
    assertThat(phys.get("artifactLocation").get("uri").asText())
        .isEqualTo("src/test/resources/golden/input.yaml");
    assertThat(phys.get("region").get("startLine").asInt()).isPositive();
    boolean suppressed = false;
    for (JsonNode res : run.get("results")) {
      suppressed |= res.has("suppressions");
    }
    assertThat(suppressed).isTrue();
  }

  @Test
  void junit_isWellFormedXmlWithFailures() throws Exception {
    Document d =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(
                new java.io.ByteArrayInputStream(
                    render(report(), ReportFormat.JUNIT, false)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(Integer.parseInt(d.getDocumentElement().getAttribute("failures"))).isPositive();
    assertThat(d.getElementsByTagName("testsuite").getLength()).isEqualTo(Checks.builtin().size());
  }

  @Test
  void html_isSelfContainedAndEscaped() throws Exception {
    String html = render(report(), ReportFormat.HTML, false);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .doesNotContain("<script", "src=\"http", "href=\"http");
    assertThat(html).contains("CRN-102").contains("waived");
  }
}
