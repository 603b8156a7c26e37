package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.scanner.internal.Jackson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn's SARIF read by the format's reference implementation: Microsoft's SARIF Multitool ({@code
 * validate}, from npm) and the official SARIF 2.1.0 JSON schema it ships.
 */
class SarifReferenceIT {
  static final String VERSION = "5.7.0";
  static Path tool;

  @BeforeAll
  static void install() throws Exception {
    Path home =
        Path.of(
            System.getProperty("user.home"),
            ".cache",
            "cairn",
            "tools",
            "sarif-multitool-" + VERSION);
    Path pkg = home.resolve("node_modules/@microsoft/sarif-multitool-linux");
    tool = pkg.resolve("Sarif.Multitool");
    if (!Files.isExecutable(tool)) {
      Files.createDirectories(home);
      Process p =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--silent",
                  "--prefix",
                  home.toString(),
                  "@microsoft/sarif-multitool@" + VERSION)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(tool.toFile().setExecutable(true)).isTrue();
    }
  }

  @Test
  void sarif_passesTheSarifMultitoolValidator(@TempDir Path tmp) throws Exception {
    Path sarif = tmp.resolve("report.sarif");
    Path out = tmp.resolve("validation.sarif");
    Files.writeString(sarif, ReportsTest.render(ReportsTest.report(), ReportFormat.SARIF, false));
    Process p =
        new ProcessBuilder(tool.toString(), "validate", sarif.toString(), "-o", out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    JsonNode results = Jackson.MAPPER.readTree(out.toFile()).get("runs").get(0).get("results");
    assertThat(results).as("validator findings: %s", results).isEmpty();
  }

  @Test
  void sarif_validatesAgainstTheOfficialSchema() throws Exception {
    Path schemaFile = tool.resolveSibling("sarif-2.1.0.json");
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
            .getSchema(Files.readString(schemaFile));
    for (ScanReport r : List.of(ReportsTest.report())) {
      JsonNode doc = Jackson.MAPPER.readTree(ReportsTest.render(r, ReportFormat.SARIF, false));
      List<com.networknt.schema.Error> errors = schema.validate(doc);
      assertThat(errors).isEmpty();
    }
  }

  @Test
  void validator_rejectsABrokenFile(@TempDir Path tmp) throws Exception {
    Path bad = tmp.resolve("bad.sarif");
    Path out = tmp.resolve("v.sarif");
    Files.writeString(
        bad, "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":1}}}]}");
    Process p =
        new ProcessBuilder(tool.toString(), "validate", bad.toString(), "-o", out.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    p.waitFor(5, TimeUnit.MINUTES);
    assertThat(Jackson.MAPPER.readTree(out.toFile()).get("runs").get(0).get("results"))
        .isNotEmpty();
  }
}
