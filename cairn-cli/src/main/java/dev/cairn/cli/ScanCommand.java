package dev.cairn.cli;

import dev.cairn.core.Sizes;
import dev.cairn.core.Text;
import dev.cairn.scanner.Baseline;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.InputLimits;
import dev.cairn.scanner.Notice;
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
import java.nio.file.Files;
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
      description =
          "table, json, sarif, junit or html (default: from --output-file's extension, else"
              + " table).")
  @Nullable String output;

  @Option(
      names = "--include",
      split = ",",
      paramLabel = "ID",
      description = "Only these checks (ids, * as a wildcard: CRN-1*).")
  List<String> include = new ArrayList<>();

  @Option(
      names = "--exclude",
      split = ",",
      paramLabel = "ID",
      description = "Leave out these checks (ids, * as a wildcard).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--severity",
      paramLabel = "SEVERITY",
      description =
          "Show only checks of this severity or more (info, low, medium, high, critical); the"
              + " exit code still follows --fail-on over every check.")
  @Nullable String severity;

  @Option(
      names = "--baseline",
      paramLabel = "REPORT.json",
      description =
          "Show only findings that this earlier JSON report does not have (same check, object,"
              + " container and field); the exit code follows the new ones.")
  @Nullable Path baseline;

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

  @Option(
      names = "--max-document-size",
      paramLabel = "SIZE",
      description =
          "Largest YAML document read, e.g. 256MiB (default: 128MiB); a larger one is skipped with"
              + " an error.")
  String maxDocumentSize = "128MiB";

  @Option(
      names = "--max-input-size",
      paramLabel = "SIZE",
      description =
          "Most bytes read from one file or stream, e.g. 8GiB (default: 4GiB); reading stops there"
              + " with an error.")
  String maxInputSize = "4GiB";

  @SuppressWarnings("NullAway.Init")
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String asked =
        output != null
            ? output
            : outputFile != null
                ? ReportFormat.forFile(outputFile).map(f -> f.name()).orElse("table")
                : "table";
    ReportFormat format =
        ReportFormat.parse(asked)
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
    if (kubeconfig == null) {
      if (!namespaces.isEmpty()) {
        throw new ExitException(
            Main.USAGE,
            "--namespace applies to a live cluster, not to manifests",
            "drop -n, or scan a cluster with --kubeconfig FILE");
      }
      if (context != null) {
        throw new ExitException(
            Main.USAGE,
            "--context applies to a live cluster, not to manifests",
            "drop --context, or scan a cluster with --kubeconfig FILE");
      }
    }
    if (parallelism < 1) {
      throw new ExitException(
          Main.USAGE,
          "--parallelism " + parallelism + " is not a number of threads",
          "pass --parallelism 1 or more (default: one per core)");
    }
    if (pageSize < 1) {
      throw new ExitException(
          Main.USAGE,
          "--page-size " + pageSize + " is not a number of objects",
          "pass --page-size 1 or more (default: 500)");
    }
    InputLimits limits =
        new InputLimits(
            size(
                "--max-document-size",
                maxDocumentSize,
                InputLimits.defaults().maxDocumentSize(),
                1L << 30),
            size(
                "--max-input-size",
                maxInputSize,
                InputLimits.defaults().maxInputSize(),
                Long.MAX_VALUE));
    if (outputFile != null) {
      writable(outputFile);
    }
    Set<Framework> fws = parseFrameworks(frameworks);
    CheckSet checks =
        selectChecks(fws, checksDir)
            .forPssVersion(parsePssVersion(pssVersion))
            .filter(include, exclude);
    Severity shown =
        severity == null
            ? Severity.INFO
            : Severity.parse(severity)
                .orElseThrow(
                    () ->
                        new ExitException(
                            Main.USAGE,
                            "unknown severity '" + severity + "' for --severity",
                            "use info, low, medium, high or critical"));
    Waivers waivers = exceptions == null ? Waivers.none() : Waivers.load(exceptions);
    @Nullable Baseline known = baseline == null ? null : Baseline.read(baseline);
    List<ObjectSource> sources = new ArrayList<>();
    if (!paths.isEmpty()) {
      sources.add(ObjectSources.manifests(paths, System.in, limits));
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
            .withParallelism(parallelism)
            .withListener(n -> progress.update("scanned " + Text.count(n, "object")));
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
    if (known != null) {
      report = known.apply(report);
    }
    ScanReport shownReport = report.atLeast(shown);
    if (outputFile == null) {
      PrintWriter out = spec.commandLine().getOut();
      Reports.write(shownReport, format, out, format == ReportFormat.TABLE && Terminal.colors());
      out.flush();
    } else {
      try {
        Reports.write(shownReport, format, outputFile);
      } catch (java.io.IOException e) {
        throw new ExitException(
            Main.USAGE,
            "cannot write the report to " + outputFile + ": " + Main.reason(e),
            "pass --output-file a path in a directory you can write");
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    // notices are diagnostics: on stderr, whatever the format (the reports other than the table
    // carry them too); the table's readers also see the informational ones here
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

  /** Fails now, before a scan, when the report could not be written to {@code file}. */
  private static void writable(Path file) throws ExitException {
    Path dir = file.toAbsolutePath().getParent();
    try {
      if (Files.isDirectory(file)) {
        throw new java.nio.file.FileSystemException(file.toString(), null, "is a directory");
      }
      if (dir != null) {
        Files.createDirectories(dir);
        Files.delete(Files.createTempFile(dir, ".cairn-report", ".tmp"));
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new ExitException(
          Main.USAGE,
          "cannot write the report to " + file + ": " + e.getFile() + " is not a directory",
          "pass --output-file a path in a directory you can write");
    } catch (java.io.IOException e) {
      throw new ExitException(
          Main.USAGE,
          "cannot write the report to " + file + ": " + Main.reason(e),
          "pass --output-file a path in a directory you can write");
    }
  }

  /** A size flag's value: {@code 64MiB}, {@code 1G}, bytes; a usage error otherwise. */
  private static long size(String flag, String value, long otherwise, long max)
      throws ExitException {
    var parsed = Sizes.parse(value);
    if (parsed.isEmpty() || parsed.getAsLong() > max) {
      throw new ExitException(
          Main.USAGE,
          flag
              + " "
              + value
              + " is not a size"
              + (parsed.isPresent() ? " up to " + Sizes.format(max) : ""),
          "pass a size such as " + Sizes.format(otherwise).replace(" ", "") + " or 512MiB");
    }
    return parsed.getAsLong();
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
