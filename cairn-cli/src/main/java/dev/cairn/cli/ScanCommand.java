package dev.cairn.cli;

import dev.cairn.core.Text;
import dev.cairn.scanner.Baseline;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.InputLimits;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.scanner.Severity;
import dev.cairn.scanner.Waivers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan")
final class ScanCommand extends Sub {
  @Parameters(
      arity = "0..*",
      paramLabel = "PATH|-",
      description = "Manifest files or directories; - reads standard input.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--kubeconfig", paramLabel = "FILE")
  @Nullable Path kubeconfig;

  @Option(names = "--context")
  @Nullable String context;

  @Option(
      names = {"-n", "--namespace"},
      split = ",")
  List<String> namespaces = new ArrayList<>();

  @Mixin Options.CheckChoice checks = new Options.CheckChoice();

  @Option(names = "--exceptions", paramLabel = "FILE")
  @Nullable Path exceptions;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      converter = Options.FormatValue.class)
  @Nullable ReportFormat output;

  @Option(names = "--include", split = ",", paramLabel = "ID")
  List<String> include = new ArrayList<>();

  @Option(names = "--exclude", split = ",", paramLabel = "ID")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--severity", paramLabel = "SEVERITY", converter = Options.SeverityValue.class)
  Severity shown = Severity.INFO;

  @Option(names = "--baseline", paramLabel = "REPORT.json")
  @Nullable Path baseline;

  @Option(names = "--output-file", paramLabel = "FILE")
  @Nullable Path outputFile;

  @Option(names = "--fail-on", paramLabel = "SEVERITY", converter = Options.SeverityValue.class)
  Severity failOn = Severity.INFO;

  @Option(names = "--parallelism", converter = Options.Positive.class)
  int parallelism = Runtime.getRuntime().availableProcessors();

  @Option(names = "--page-size", converter = Options.Positive.class)
  int pageSize = 500;

  @Option(
      names = "--max-document-size",
      paramLabel = "SIZE",
      converter = Options.DocumentSize.class)
  long maxDocumentSize = InputLimits.defaults().maxDocumentSize();

  @Option(names = "--max-input-size", paramLabel = "SIZE", converter = Options.InputSize.class)
  long maxInputSize = InputLimits.defaults().maxInputSize();

  @Override
  public Integer call() throws Exception {
    ReportFormat format =
        output != null
            ? output
            : outputFile == null
                ? ReportFormat.TABLE
                : ReportFormat.forFile(outputFile).orElse(ReportFormat.TABLE);
    if (paths.isEmpty() && kubeconfig == null) {
      throw ExitException.usage(
          "nothing to scan", "pass manifest paths, - for standard input, or --kubeconfig FILE");
    }
    String liveOnly =
        kubeconfig != null
            ? null
            : !namespaces.isEmpty() ? "--namespace" : context != null ? "--context" : null;
    if (liveOnly != null) {
      throw ExitException.usage(
          liveOnly + " applies to a live cluster, not to manifests",
          "drop " + liveOnly + ", or scan a cluster with --kubeconfig FILE");
    }
    Path file = outputFile;
    if (file != null) {
      writable(file, () -> Reports.checkWritable(file));
    }
    @Nullable Baseline known = baseline == null ? null : Baseline.read(baseline);
    CheckSet selected = checks.select().filter(include, exclude);
    List<ObjectSource> sources = new ArrayList<>();
    if (!paths.isEmpty()) {
      sources.add(
          ObjectSources.manifests(
              paths, System.in, new InputLimits(maxDocumentSize, maxInputSize)));
    }
    if (kubeconfig != null) {
      sources.add(
          ObjectSources.cluster(
              new ClusterOptions(kubeconfig, context, namespaces, pageSize), selected));
    }
    Progress progress = Progress.forStderr();
    ScanReport report;
    try {
      Trace.mark("scan", "parsed arguments");
      var scanner =
          Scanners.create(
              ScanOptions.defaults()
                  .withChecks(selected)
                  .withFrameworks(checks.frameworks.set())
                  .withWaivers(exceptions == null ? Waivers.none() : Waivers.load(exceptions))
                  .withParallelism(parallelism)
                  .withListener(n -> progress.update("scanned " + Text.count(n, "object"))));
      Trace.mark("scan", "compiled the checks");
      report = scanner.scan(sources);
      Trace.mark("scan", "scanned");
    } finally {
      progress.done();
    }
    if (known != null) {
      report = known.apply(report);
    }
    ScanReport shownReport = report.atLeast(shown);
    if (file == null) {
      Reports.write(shownReport, format, out(), format == ReportFormat.TABLE && Terminal.colors());
      out().flush();
    } else {
      writable(file, () -> Reports.write(shownReport, format, file));
    }
    notices(report, format, err());
    if (report.hasInputErrors()) {
      err()
          .println(
              "cairn: some input could not be scanned (see the errors above); the report is"
                  + " incomplete");
      return Main.USAGE;
    }
    return report.failsAt(failOn) ? Main.FINDINGS : Main.OK;
  }

  /**
   * Notices are diagnostics: on stderr, whatever the format (the reports other than the table carry
   * them too); the table's readers also see the informational ones here.
   */
  static void notices(ScanReport report, ReportFormat format, PrintWriter err) {
    for (Notice n : report.notices()) {
      if (n.level() == Notice.Level.INFO && format != ReportFormat.TABLE) {
        continue;
      }
      err.println("cairn: " + n);
      String hint = Hints.wording(n.fix(), n.hint());
      if (hint != null && n.level() == Notice.Level.ERROR) {
        err.println("  perhaps you should " + Text.escape(hint));
      }
    }
    err.flush();
  }

  private interface FileWork {
    void run() throws IOException;
  }

  /** Writing the report, or checking before a scan that it can be written. */
  private static void writable(Path file, FileWork work) throws ExitException {
    try {
      work.run();
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw ExitException.usage(
          "cannot write the report to " + file + ": " + e.getFile() + " is not a directory",
          "pass --output-file a path in a directory you can write");
    } catch (IOException e) {
      throw ExitException.usage(
          "cannot write the report to " + file + ": " + Text.reason(e),
          "pass --output-file a path in a directory you can write");
    }
  }
}
