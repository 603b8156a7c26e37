package dev.cairn.cli;

import dev.cairn.core.Digest;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.Receipt;
import dev.cairn.ledger.TransparencyLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Work with the certificate ledger.",
    subcommands = {LedgerCommand.Revoke.class, LedgerCommand.Show.class})
final class LedgerCommand implements Runnable {
  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a certificate before its expiry.")
  static final class Revoke implements Callable<Integer> {
    @Parameters(paramLabel = "CERT")
    @SuppressWarnings("NullAway.Init")
    Path cert;

    @Option(names = "--reason", required = true)
    @SuppressWarnings("NullAway.Init")
    String reason;

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Digest d = CertificateBundle.parse(Files.readString(cert)).envelope().digest();
      try (TransparencyLog log = Embedded.log()) {
        Receipt r = log.revoke(new LedgerEntry.Revoked(d, reason, Instant.now()));
        spec.commandLine().getOut().println("Revoked " + d + " (ledger index " + r.index() + ")");
      }
      return Main.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print the embedded log's checkpoint and verifier key.")
  static final class Show implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (TransparencyLog log = Embedded.log()) {
        spec.commandLine().getOut().print(log.checkpoint().signedNote());
        spec.commandLine().getOut().println("verifier key: " + log.verifierKey());
      }
      return Main.OK;
    }
  }
}
