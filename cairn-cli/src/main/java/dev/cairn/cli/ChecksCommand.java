package dev.cairn.cli;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.scanner.Check;
import dev.cairn.scanner.CheckDocs;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "checks",
    subcommands = {
      ChecksCommand.ListCommand.class,
      ChecksCommand.LintCommand.class,
      ChecksCommand.RbacCommand.class
    })
final class ChecksCommand extends Sub {
  @Command(name = "list")
  static final class ListCommand extends Sub {
    @Mixin Options.CheckChoice choice = new Options.CheckChoice();

    @Option(names = {"-o", "--output"})
    String output = "table";

    @Override
    public Integer call() throws Exception {
      CheckSet checks = choice.select();
      PrintWriter out = out();
      switch (output) {
        case "json" ->
            out.print(Json.pretty(checks.checks().stream().map(CheckDocs::summary).toList()));
        case "markdown", "md" -> out.print(CheckDocs.markdown(checks));
        case "table" -> {
          String row = "%-9s %-9s %-44s %s%n";
          out.printf(row, "ID", "SEVERITY", "CHECK", "FRAMEWORKS");
          for (Check c : checks.checks()) {
            out.printf(row, c.id(), c.severity().display(), c.message(), CheckDocs.frameworkIds(c));
          }
          out.printf(
              "%s at Pod Security Standards %s, pack %s%n",
              Text.count(checks.size(), "check"), checks.pssVersion(), checks.digest());
        }
        default ->
            throw ExitException.usage(
                "unknown output format '" + output + "'", "use -o table, json or markdown");
      }
      out.flush();
      return Main.OK;
    }
  }

  @Command(name = "rbac")
  static final class RbacCommand extends Sub {
    @Mixin Options.CheckChoice choice = new Options.CheckChoice();

    @Option(names = "--service-account", paramLabel = "NS/NAME")
    String serviceAccount = "cairn-scanner/cairn-scanner";

    @Override
    public Integer call() throws Exception {
      CheckSet checks = choice.select();
      String[] sa = serviceAccount.split("/", 2);
      if (sa.length != 2 || sa[0].isBlank() || sa[1].isBlank()) {
        throw ExitException.usage(
            "--service-account must be NAMESPACE/NAME, not '" + serviceAccount + "'", null);
      }
      out().print(CheckDocs.scannerRole(checks, sa[0], sa[1]));
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "lint")
  static final class LintCommand extends Sub {
    @Parameters(
        paramLabel = "PATH",
        arity = "1..*",
        description = "Directories or files of checks, or exceptions files.")
    List<Path> dirs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      List<Diagnostic> diags = new ArrayList<>();
      for (Path dir : dirs) {
        diags.addAll(Checks.lint(dir));
      }
      for (Diagnostic d : diags) {
        out().println(d.render());
      }
      String where = dirs.size() == 1 ? dirs.get(0).toString() : dirs.size() + " paths";
      out()
          .println(
              (diags.isEmpty() ? "no problems" : Text.count(diags.size(), "problem"))
                  + " found in "
                  + where);
      out().flush();
      return diags.isEmpty() ? Main.OK : Main.FINDINGS;
    }
  }
}
