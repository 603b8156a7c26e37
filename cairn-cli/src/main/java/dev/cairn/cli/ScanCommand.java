package dev.cairn.cli;

import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.PssVersion;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.Reports;
import dev.cairn.scanner.ScanException;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.scanner.Severity;
import dev.cairn.scanner.Waivers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
      "Scan Kubernetes manifests or a live cluster with CEL compliance checks.",
      "Exit codes: 0 all checks pass, 1 findings at or above --fail-on, 2 usage or input error."
    })
final class ScanCommand implements Callable<Integer> {
  static final String PSS_VERSION_HELP =
      "Pod Security Standards version whose rules the PSS checks apply, as pod-security-admission"
          + " names them: latest or v1.N (default: latest, v1."
          + PssVersion.LATEST_MINOR
          + "); checks introduced later do not run.";

  @Parameters(
      arity = "0..*",
      paramLabel = "PATH|-",
      description = "Manifest files or directories; - reads standard input.")
  List<Path> paths = new ArrayList<>();

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Scan the live cluster of this kubeconfig (read-only).")
  @Nullable Path kubeconfig;

  @Option(names = "--context", description = "Kubeconfig context (default: the current one).")
  @Nullable String context;

  @Option(
      names = {"-n", "--namespace"},
      split = ",",
      description = "Only these namespaces (repeatable; default: all).")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = {"-f", "--framework"},
      split = ",",
      paramLabel = "F",
      description =
          "pss-baseline, pss-restricted, nsa-cisa, mitre, cis, best-practice or all (repeatable; default: all).")
  List<String> frameworks = new ArrayList<>();

  @Option(names = "--pss-version", paramLabel = "VERSION", description = PSS_VERSION_HELP)
  String pssVersion = "latest";

  @Option(
      names = "--checks",
      paramLabel = "DIR",
      description = "Add or override checks from a directory of check files.")
  @Nullable Path checksDir;

  @Option(names = "--exceptions", paramLabel = "FILE", description = "Exceptions (waivers) file.")
  @Nullable Path exceptions;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table, json, sarif, junit or html (default: table).")
  String output = "table";

  @Option(
      names = "--output-file",
      paramLabel = "FILE",
      description = "Write the report here instead of stdout.")
  @Nullable Path outputFile;

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      description =
          "Lowest severity that fails the run: info, low, medium, high, critical (default: info, any failing check).")
  String failOn = "info";

  @Option(names = "--parallelism", description = "Worker threads (default: one per core).")
  int parallelism = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--page-size",
      description = "Objects per list request on a live cluster (default: 500).")
  int pageSize = 500;

  @SuppressWarnings("NullAway.Init")
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ReportFormat format =
        ReportFormat.parse(output)
            .orElseThrow(
                () ->
                    new ExitException(
                        Main.USAGE,
                        "unknown output format '" + output + "'",
                        "use -o table, json, sarif, junit or html"));
    Severity threshold =
        Severity.parse(failOn)
            .orElseThrow(
                () ->
                    new ExitException(
                        Main.USAGE,
                        "unknown severity '" + failOn + "' for --fail-on",
                        "use info, low, medium, high or critical"));
    if (paths.isEmpty() && kubeconfig == null) {
      throw new ExitException(
          Main.USAGE,
          "nothing to scan",
          "pass manifest paths, - for standard input, or --kubeconfig FILE");
    }
    Set<Framework> fws = parseFrameworks(frameworks);
    CheckSet checks = selectChecks(fws, checksDir).forPssVersion(parsePssVersion(pssVersion));
    Waivers waivers = exceptions == null ? Waivers.none() : Waivers.load(exceptions);
    List<ObjectSource> sources = new ArrayList<>();
    if (!paths.isEmpty()) {
      sources.add(ObjectSources.manifests(paths, System.in));
    }
    if (kubeconfig != null) {
      sources.add(
          ObjectSources.cluster(
              new ClusterOptions(kubeconfig, context, namespaces, pageSize), checks));
    }
    Progress progress = Progress.forStderr();
    ScanOptions opts =
        ScanOptions.defaults()
            .withChecks(checks)
            .withFrameworks(fws)
            .withWaivers(waivers)
            .withParallelism(Math.max(1, parallelism))
            .withListener(n -> progress.update("scanned " + n + " objects"));
    ScanReport report;
    try {
      Trace.mark("scan", "parsed arguments");
      dev.cairn.scanner.Scanner scanner = Scanners.create(opts);
      Trace.mark("scan", "compiled the checks");
      report = scanner.scan(sources);
      Trace.mark("scan", "scanned");
    } finally {
      progress.done();
    }
    if (outputFile == null) {
      PrintWriter out = spec.commandLine().getOut();
      Reports.write(report, format, out, format == ReportFormat.TABLE && Terminal.colors());
      out.flush();
    } else {
      Reports.write(report, format, outputFile);
    }
    PrintWriter err = spec.commandLine().getErr();
    if (format != ReportFormat.TABLE || outputFile != null) {
      // the table prints notices itself; other formats carry them, so repeat errors on stderr
      report.notices().stream()
          .filter(n -> n.level() != dev.cairn.scanner.Notice.Level.INFO)
          .forEach(n -> err.println("cairn: " + n));
    }
    if (report.hasInputErrors()) {
      err.println(
          "cairn: some input could not be scanned (see the errors above); the report is incomplete");
      return Main.USAGE;
    }
    return report.failsAt(threshold) ? Main.FINDINGS : Main.OK;
  }

  /**
   * The built-in checks plus those of {@code checksDir} (overriding by id), selected by framework.
   */
  static CheckSet selectChecks(Set<Framework> frameworks, @Nullable Path checksDir)
      throws ScanException {
    CheckSet checks = Checks.builtin();
    if (checksDir != null) {
      checks = checks.with(Checks.load(checksDir));
    }
    return checks.select(frameworks);
  }

  static PssVersion parsePssVersion(String s) throws ExitException {
    return PssVersion.parse(s)
        .orElseThrow(
            () ->
                new ExitException(
                    Main.USAGE,
                    "unknown Pod Security Standards version '" + s + "' for --pss-version",
                    "use latest or v1.0 to v1."
                        + PssVersion.LATEST_MINOR
                        + " (the newest this Cairn implements)"));
  }

  static Set<Framework> parseFrameworks(List<String> names) throws ExitException {
    Set<Framework> fws = EnumSet.noneOf(Framework.class);
    for (String f : names) {
      if (f.equalsIgnoreCase("all")) {
        return Set.of();
      }
      fws.add(
          Framework.parse(f)
              .orElseThrow(
                  () ->
                      new ExitException(
                          Main.USAGE,
                          "unknown framework '" + f + "'",
                          "use pss-baseline, pss-restricted, nsa-cisa, mitre, cis, best-practice or all")));
    }
    return fws;
  }
}
