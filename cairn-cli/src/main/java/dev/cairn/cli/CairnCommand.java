package dev.cairn.cli;

import dev.cairn.scanner.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = CairnCommand.VersionProvider.class,
    description = "Trusted software delivery and compliance certification for Kubernetes.",
    subcommands = {
      ScanCommand.class,
      CertifyCommand.class,
      VerifyCommand.class,
      SnapshotCommand.class,
      LedgerCommand.class,
      ChecksCommand.class,
      DemoCommand.class
    })
final class CairnCommand implements Runnable {
  @Option(
      names = "--stacktrace",
      description = "Print stack traces of errors.",
      scope = picocli.CommandLine.ScopeType.INHERIT)
  boolean stacktrace;

  @SuppressWarnings("NullAway.Init")
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Version.TOOL, "Java " + Runtime.version()};
    }
  }
}
