package dev.cairn.cli;

import dev.cairn.core.CairnHome;
import dev.cairn.scanner.Version;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

@Command(
    name = "cairn",
    resourceBundle = "dev.cairn.cli.messages",
    mixinStandardHelpOptions = true,
    scope = picocli.CommandLine.ScopeType.INHERIT,
    versionProvider = CairnCommand.VersionProvider.class,
    subcommands = {
      ScanCommand.class,
      SbomCommand.class,
      PipelineCommand.class,
      DeployCommand.class,
      RollbackCommand.class,
      CertifyCommand.class,
      VerifyCommand.class,
      AuditCommand.class,
      SnapshotCommand.class,
      LedgerCommand.class,
      TrustCommand.class,
      AttestCommand.class,
      PlatformCommand.class,
      ChecksCommand.class,
      AdmissionCommand.class,
      DemoCommand.class,
      IdentityCommand.class,
      DutiesCommand.class,
      OverrideCommand.class,
      RbacCommand.class,
      ExportCommand.class,
      VulnCommand.class,
      ServeCommand.class
    })
final class CairnCommand implements Runnable {
  private final Map<String, String> env;
  private final CairnHome home;

  CairnCommand(Map<String, String> env, CairnHome home) {
    this.env = env;
    this.home = home;
  }

  /** The environment the command runs in. */
  Map<String, String> env() {
    return env;
  }

  /** Cairn's home for this command line. */
  CairnHome home() {
    return home;
  }

  /** The root command of {@code spec}'s command line. */
  static CairnCommand of(picocli.CommandLine.Model.CommandSpec spec) {
    return (CairnCommand) spec.root().userObject();
  }

  @Option(names = "--stacktrace", scope = picocli.CommandLine.ScopeType.INHERIT)
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
