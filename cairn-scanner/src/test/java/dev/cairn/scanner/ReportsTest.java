package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.scanner.internal.Jackson;
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
import org.junit.jupiter.api.io.TempDir;
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
        r.pssVersion(),
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

  /** How to regenerate the golden files; the surefire configuration passes the property on. */
  static final String UPDATE_HINT =
      "run ./mvnw -B -pl cairn-scanner -am test -Dtest=ReportsTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true and review the diff";

  @ParameterizedTest
  @EnumSource(ReportFormat.class)
  void report_matchesGoldenFile(ReportFormat format) throws Exception {
    String actual = render(report(), format, false);
    Path golden = GOLDEN.resolve("report." + format.name().toLowerCase(java.util.Locale.ROOT));
    assertMatchesGolden(actual, golden, Boolean.getBoolean("golden.update"));
  }

  /**
   * Compares {@code actual} with the golden file; only {@code update} writes it. A missing golden
   * file fails, or the test would compare the output with itself.
   */
  static void assertMatchesGolden(String actual, Path golden, boolean update) throws Exception {
    if (update) {
      Files.writeString(golden, actual);
    }
    if (!Files.exists(golden)) {
      throw new AssertionError("golden file " + golden + " is missing: " + UPDATE_HINT);
    }
    assertThat(actual)
        .as("%s differs from the golden file; if the change is intended, %s", golden, UPDATE_HINT)
        .isEqualTo(Files.readString(golden));
  }

  @Test
  void golden_missingFileFailsUnlessUpdating(@TempDir Path dir) throws Exception {
    Path golden = dir.resolve("report.table");
    assertThatThrownBy(() -> assertMatchesGolden("output", golden, false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is missing")
        .hasMessageContaining("-Dgolden.update=true");
    assertThat(golden).doesNotExist();
    assertMatchesGolden("output", golden, true);
    assertThat(golden).hasContent("output");
    assertMatchesGolden("output", golden, false);
    assertThatThrownBy(() -> assertMatchesGolden("changed", golden, false))
        .hasMessageContaining("differs from the golden file")
        .hasMessageContaining("-Dgolden.update=true");
  }

  @Test
  void table_colorsOnlyWhenAsked() throws Exception {
    assertThat(render(report(), ReportFormat.TABLE, false)).doesNotContain("\u001b[");
    assertThat(render(report(), ReportFormat.TABLE, true)).contains("\u001b[31mFAILED");
  }

  @Test
  void json_hasStableSchemaAndCounts() throws Exception {
    JsonNode j = Jackson.MAPPER.readTree(render(report(), ReportFormat.JSON, false));
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
    JsonNode doc = Jackson.MAPPER.readTree(render(report(), ReportFormat.JSON, false));
    assertThat(schema.validate(doc)).isEmpty();
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc).put("schema", "other");
    assertThat(schema.validate(doc)).isNotEmpty();
  }

  @Test
  void sarif_hasFileLineLocationsAndSuppressions() throws Exception {
    JsonNode run =
        Jackson.MAPPER.readTree(render(report(), ReportFormat.SARIF, false)).get("runs").get(0);
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
  void html_isSelfContained() throws Exception {
    String html = render(report(), ReportFormat.HTML, false);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .doesNotContain("<script src", "src=\"http", "href=\"http", "url(", "@import", "<link");
    // one inline script, the constant one: no data of the report is in it
    assertThat(html.split("<script>", -1)).hasSize(2);
    assertThat(html)
        .contains("<script>" + dev.cairn.scanner.internal.HtmlReport.SCRIPT + "</script>");
    assertThat(html).contains("CRN-102").contains("waived");
  }

  @Test
  void html_sortsBySeverity_hasAnObjectView_containers_descriptionsAndFilters() throws Exception {
    ScanReport r = report();
    String html = render(r, ReportFormat.HTML, false);
    // checks: every Critical before every High before every Medium ...
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<details class=\"check\" id=\"[^\"]+\" data-sev=\"(\\d)\"")
            .matcher(html);
    List<Integer> order = new java.util.ArrayList<>();
    while (m.find()) {
      order.add(Integer.parseInt(m.group(1)));
    }
    assertThat(order)
        .hasSize(r.results().size())
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    // each check's description and remediation
    Check c102 =
        r.results().stream()
            .map(CheckResult::check)
            .filter(c -> c.id().equals("CRN-102"))
            .findFirst()
            .orElseThrow();
    assertThat(html)
        .contains("<p>" + c102.description().strip() + "</p>")
        .contains("<p><b>Fix:</b> " + c102.remediation().strip() + "</p>");
    // the per-object view, with the container and the field
    assertThat(html)
        .contains("<h2 id=\"objects\">Objects</h2>")
        .contains("<details class=\"object\" open><summary><b>DaemonSet monitoring/node-agent</b>")
        .contains(
            "<td>agent</td><td><code>spec.template.spec.containers[0].securityContext.privileged</code></td>");
    // filters by severity, framework, status and text
    assertThat(html)
        .contains(
            "<select id=\"f-severity\">", "<select id=\"f-framework\">", "<select id=\"f-status\">")
        .contains("<input id=\"f-q\" type=\"search\"");
  }

  @Test
  void json_findingsNameContainerAndPath_checksCarryDescriptionAndRemediation() throws Exception {
    JsonNode j = Jackson.MAPPER.readTree(render(report(), ReportFormat.JSON, false));
    JsonNode c102 = null;
    for (JsonNode c : j.get("checks")) {
      if (c.get("id").asText().equals("CRN-102")) {
        c102 = c;
      }
    }
    assertThat(c102).isNotNull();
    assertThat(c102.get("description").asText()).startsWith("A privileged container");
    assertThat(c102.get("remediation").asText()).startsWith("Remove securityContext.privileged");
    JsonNode f = c102.get("findings").get(0);
    assertThat(f.get("container").asText()).isEqualTo("agent");
    assertThat(f.get("path").asText())
        .isEqualTo("spec.template.spec.containers[0].securityContext.privileged");
  }

  @Test
  void sarifAndJunit_nameTheContainer() throws Exception {
    JsonNode run =
        Jackson.MAPPER.readTree(render(report(), ReportFormat.SARIF, false)).get("runs").get(0);
    JsonNode priv = null;
    for (JsonNode res : run.get("results")) {
      if (res.get("ruleId").asText().equals("CRN-102")) {
        priv = res;
      }
    }
    assertThat(priv).isNotNull();
    assertThat(priv.get("message").get("text").asText())
        .isEqualTo(
            "DaemonSet monitoring/node-agent container agent: Container runs privileged (at"
                + " spec.template.spec.containers[0].securityContext.privileged)");
    JsonNode member = priv.get("locations").get(0).get("logicalLocations").get(1);
    assertThat(member.get("kind").asText()).isEqualTo("member");
    assertThat(member.get("fullyQualifiedName").asText())
        .isEqualTo(
            "apps/v1/DaemonSet/monitoring/node-agent#spec.template.spec.containers[0].securityContext.privileged");
    assertThat(render(report(), ReportFormat.JUNIT, false))
        .contains("name=\"DaemonSet monitoring/node-agent container agent\"");
  }

  /** Markup, an event-handler attribute break-out and every character HTML gives meaning to. */
  static final String HOSTILE =
      "<script>alert(1)</script> <img src=x onerror=alert(2)> Tom & \"Jerry\" 'quoted'";

  static final String HOSTILE_ESCAPED =
      "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; Tom &amp;"
          + " &quot;Jerry&quot; &#39;quoted&#39;";

  /** The elements and attributes the HTML report writes itself; nothing else may appear. */
  static final java.util.regex.Pattern OWN_TAG =
      java.util.regex.Pattern.compile(
          "<!DOCTYPE html>|</?(html|head|meta|title|style|script|body|h1|h2|h3|p|div|b|i|code|table|thead"
              + "|tbody|tr|th|td|a|ul|li|nav|details|summary|span|label|select|option|input|button)"
              + "((?: (?:lang|charset|name|content|class|href|id|style|value|type|placeholder|open"
              + "|data-sev|data-fw|data-status|data-text)(?:=\"[^\"<>]*\")?)*)>");

  @Test
  void html_escapesEverythingTheInputControls() throws Exception {
    String html = render(hostile(report()), ReportFormat.HTML, false);
    // the page's own script is a constant (html_isSelfContained); the rest is checked here
    html =
        html.replace("<script>" + dev.cairn.scanner.internal.HtmlReport.SCRIPT + "</script>", "");

    assertThat(html)
        .doesNotContain(
            "<script", "</script>", "<img", "onerror=alert(2)>", "\"Jerry\"", "'quoted'")
        .contains(HOSTILE_ESCAPED);
    // every field that carries the input shows it, escaped, where the report puts it
    String e = HOSTILE_ESCAPED;
    assertThat(html)
        .contains("<p class=\"meta\">" + e + " &middot; ") // source
        .contains(" &middot; " + e + " &middot; ") // tool
        .contains("<details class=\"check\" id=\"CRN-1&quot; onmouseover=&quot;alert(3)\"") // id
        .contains("<a href=\"#CRN-1&quot; onmouseover=&quot;alert(3)\">") // link to it
        .contains("<span class=\"id\">CRN-1&quot; onmouseover=&quot;alert(3)</span>" + e) // title
        .contains("<p>" + e + "</p>") // description
        .contains("<p><b>Fix:</b> " + e + "</p>") // remediation
        .contains("<td>" + e + " " + e + "/" + e + "</td>") // kind namespace/name
        .contains("<b>" + e + " " + e + "/" + e + "</b>") // the object view
        .contains("<td>" + e + "</td><td><code>" + e + "</code></td>") // container, path
        .contains("<td><code>" + e + ":3:7</code></td>") // where the object was read
        .contains("<td>" + e + "</td></tr>") // finding message
        .contains("<td>" + e + " (waived: " + e + ")</td></tr>") // waiver reason
        .contains("<li>" + e + ":3:7: warning: " + e + "</li>"); // notice
    // and whatever is left as markup is the report's own
    java.util.regex.Matcher tag = java.util.regex.Pattern.compile("<[^>]*>").matcher(html);
    while (tag.find()) {
      assertThat(tag.group()).matches(OWN_TAG);
    }
    assertThat(html.replaceAll("<[^>]*>", "")).doesNotContain("<", ">");
  }

  /** {@code r} with the input's text in every field a user or a manifest controls. */
  static ScanReport hostile(ScanReport r) {
    dev.cairn.core.SourceLocation at = new dev.cairn.core.SourceLocation(HOSTILE, 3, 7);
    List<CheckResult> results =
        r.results().stream()
            .map(
                cr -> {
                  Check c = cr.check();
                  Check evil =
                      new Check(
                          c.id().equals("CRN-105") ? "CRN-1\" onmouseover=\"alert(3)" : c.id(),
                          c.slug(),
                          c.severity(),
                          HOSTILE,
                          HOSTILE,
                          HOSTILE,
                          c.match(),
                          c.params(),
                          c.variables(),
                          c.validations(),
                          c.labels(),
                          c.origin(),
                          c.location());
                  List<Finding> findings =
                      cr.findings().stream()
                          .map(
                              f ->
                                  new Finding(
                                      new ObjectRef(
                                          f.object().apiVersion(), HOSTILE, HOSTILE, HOSTILE, at),
                                      f.state(),
                                      HOSTILE,
                                      f.waiver() == null
                                          ? null
                                          : new Waiver(
                                              f.waiver().check(),
                                              f.waiver().namespace(),
                                              f.waiver().name(),
                                              f.waiver().kind(),
                                              HOSTILE,
                                              f.waiver().expires(),
                                              f.waiver().origin()),
                                      HOSTILE,
                                      HOSTILE))
                          .toList();
                  return new CheckResult(
                      evil,
                      cr.status(),
                      cr.passed(),
                      cr.failed(),
                      cr.errors(),
                      cr.waived(),
                      findings);
                })
            .toList();
    return new ScanReport(
        HOSTILE,
        HOSTILE,
        r.frameworks(),
        r.checkPackDigest(),
        r.pssVersion(),
        r.startedAt(),
        r.duration(),
        r.objects(),
        results,
        List.of(new Notice(Notice.Level.WARNING, at, HOSTILE)));
  }
}
