package dev.cairn.cli;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.Json;
import dev.cairn.scanner.Check;
import dev.cairn.scanner.CheckDocs;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.Framework;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "checks",
    mixinStandardHelpOptions = true,
    description = "List and lint compliance checks.",
    subcommands = {
      ChecksCommand.ListCommand.class,
      ChecksCommand.LintCommand.class,
      ChecksCommand.RbacCommand.class
    })
final class ChecksCommand implements Runnable {
  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List checks with their framework ids.")
  static final class ListCommand implements Callable<Integer> {
    @Option(
        names = {"-f", "--framework"},
        split = ",",
        paramLabel = "F",
        description = "Only checks of these frameworks.")
    List<String> frameworks = new ArrayList<>();

    @Option(
        names = "--checks",
        paramLabel = "DIR",
        description = "Add or override checks from a directory.")
    @Nullable Path checksDir;

    @Option(
        names = "--pss-version",
        paramLabel = "VERSION",
        description = ScanCommand.PSS_VERSION_HELP)
    String pssVersion = "latest";

    @Option(
        names = {"-o", "--output"},
        description = "table, json or markdown (default: table).")
    String output = "table";

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Set<Framework> fws = ScanCommand.parseFrameworks(frameworks);
      CheckSet checks =
          ScanCommand.selectChecks(fws, checksDir)
              .forPssVersion(ScanCommand.parsePssVersion(pssVersion));
      PrintWriter out = spec.commandLine().getOut();
      switch (output) {
        case "json" ->
            out.print(Json.pretty(checks.checks().stream().map(CheckDocs::summary).toList()));
        case "markdown", "md" -> out.print(CheckDocs.markdown(checks));
        case "table" -> {
          out.printf("%-9s %-9s %-44s %s%n", "ID", "SEVERITY", "CHECK", "FRAMEWORKS");
          for (Check c : checks.checks()) {
            out.printf(
                "%-9s %-9s %-44s %s%n",
                c.id(), c.severity().display(), c.message(), CheckDocs.frameworkIds(c));
          }
          out.println(
              dev.cairn.core.Text.count(checks.size(), "check")
                  + " at Pod Security Standards "
                  + checks.pssVersion()
                  + ", pack "
                  + checks.digest());
        }
        default ->
            throw new ExitException(
                Main.USAGE,
                "unknown output format '" + output + "'",
                "use -o table, json or markdown");
      }
      out.flush();
      return Main.OK;
    }
  }

  @Command(
      name = "rbac",
      mixinStandardHelpOptions = true,
      description =
          "Print the least-privilege, read-only ClusterRole (and a binding) a user needs to scan with these checks.")
  static final class RbacCommand implements Callable<Integer> {
    @Option(
        names = {"-f", "--framework"},
        split = ",",
        paramLabel = "F",
        description = "Only checks of these frameworks.")
    List<String> frameworks = new ArrayList<>();

    @Option(
        names = "--checks",
        paramLabel = "DIR",
        description = "Add or override checks from a directory.")
    @Nullable Path checksDir;

    @Option(
        names = "--service-account",
        paramLabel = "NS/NAME",
        description = "Bind to this service account (default: cairn-scanner/cairn-scanner).")
    String serviceAccount = "cairn-scanner/cairn-scanner";

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CheckSet checks =
          ScanCommand.selectChecks(ScanCommand.parseFrameworks(frameworks), checksDir);
      String[] sa = serviceAccount.split("/", 2);
      if (sa.length != 2 || sa[0].isBlank() || sa[1].isBlank()) {
        throw new ExitException(
            Main.USAGE,
            "--service-account must be NAMESPACE/NAME, not '" + serviceAccount + "'",
            null);
      }
      String y = CheckDocs.scannerRole(checks, sa[0], sa[1]);
      PrintWriter out = spec.commandLine().getOut();
      out.print(y);
      out.flush();
      return Main.OK;
    }
  }

  @Command(
      name = "lint",
      mixinStandardHelpOptions = true,
      description = {
        "Check files for errors: YAML, schema and CEL compile errors, every one with file:line:col.",
        "Exit 0 clean, 1 problems found, 2 usage error."
      })
  static final class LintCommand implements Callable<Integer> {
    @Parameters(
        paramLabel = "PATH",
        arity = "1..*",
        description = "Directories or files of checks.")
    List<Path> dirs = new ArrayList<>();

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      List<Diagnostic> diags = new ArrayList<>();
      for (Path dir : dirs) {
        diags.addAll(Checks.lint(dir));
      }
      PrintWriter out = spec.commandLine().getOut();
      for (Diagnostic d : diags) {
        out.println(d.render());
      }
      String where = dirs.size() == 1 ? dirs.get(0).toString() : dirs.size() + " paths";
      if (diags.isEmpty()) {
        out.println("no problems found in " + where);
        out.flush();
        return Main.OK;
      }
      out.println(
          diags.size() + (diags.size() == 1 ? " problem" : " problems") + " found in " + where);
      out.flush();
      return Main.FINDINGS;
    }
  }
}
