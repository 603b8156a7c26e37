package dev.cairn.cli;

import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.scanner.Waivers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run Cairn end to end on bundled samples with embedded defaults.")
final class DemoCommand implements Callable<Integer> {
  static final List<String> SAMPLES =
      List.of("hardened-api.yaml", "risky-workloads.yaml", "rbac.yaml", "exceptions.yaml");

  @Option(
      names = "--dir",
      description = "Where to write the samples and reports (default: a new temp dir).")
  Path dir = Path.of("");

  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path work = dir.toString().isEmpty() ? Files.createTempDirectory("cairn-demo-") : dir;
    Path manifests = work.resolve("manifests");
    Files.createDirectories(manifests);
    for (String s : SAMPLES) {
      Path target = s.equals("exceptions.yaml") ? work.resolve(s) : manifests.resolve(s);
      try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + s)) {
        if (in == null) {
          throw new IOException("missing demo sample " + s);
        }
        Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    out.println(
        "== 1. Scan: bundled manifests in "
            + manifests
            + " with every built-in check ("
            + Checks.builtin().size()
            + " checks: PSS baseline+restricted, NSA-CISA, MITRE ATT&CK, CIS, best practice)");
    out.println();
    ScanReport report =
        Scanners.create(
                ScanOptions.defaults().withWaivers(Waivers.load(work.resolve("exceptions.yaml"))))
            .scan(List.of(ObjectSources.manifests(List.of(manifests), System.in)));
    Reports.write(report, ReportFormat.TABLE, out, Terminal.colors());
    for (ReportFormat f :
        List.of(ReportFormat.JSON, ReportFormat.SARIF, ReportFormat.JUNIT, ReportFormat.HTML)) {
      String name =
          "report."
              + switch (f) {
                case JSON -> "json";
                case SARIF -> "sarif";
                case JUNIT -> "junit.xml";
                default -> "html";
              };
      ScanCommand.writeReport(report, f, work.resolve(name));
    }
    out.println();
    out.println(
        "Reports written to "
            + work
            + ": report.json, report.sarif, report.junit.xml, report.html");
    out.println(
        "The hardened Deployment passes every check; the risky workloads fail as they should.");
    out.println(
        "Next steps: certify a cluster and verify the certificate (coming in later releases).");
    out.flush();
    return Main.OK;
  }
}
