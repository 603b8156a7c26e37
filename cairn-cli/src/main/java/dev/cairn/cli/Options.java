package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.Secret;
import dev.cairn.ethereum.EthereumRegistries;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.Ledgers;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options several commands share (picocli mixins), and turning them into API values. */
final class Options {
  private Options() {}

  /** {@code --ledger}: where certificates are recorded. */
  static final class LedgerOption {
    @Option(
        names = "--ledger",
        paramLabel = "LEDGER",
        description =
            "embedded (the transparency log in Cairn's home) or ethereum:URL#ADDRESS (a"
                + " CertificateRegistry; cairn ledger deploy). Default: embedded, or for verify"
                + " and revoke, where the certificate was recorded.")
    @Nullable String ledger;

    /** The ledger named, or {@code otherwise}. */
    @Nullable URI uri(@Nullable URI otherwise) throws ExitException {
      return ledger == null ? otherwise : parse(ledger);
    }
  }

  /** {@code --admin-key-file}: a registry admin's key. */
  static final class AdminKeyOption {
    static final String ENV = "CAIRN_ETH_ADMIN_KEY";

    @Option(
        names = "--admin-key-file",
        paramLabel = "FILE",
        description = "The registry admin's secp256k1 key in hex (or set CAIRN_ETH_ADMIN_KEY).")
    @Nullable Path file;

    /**
     * The admin key: from the file or from {@code CAIRN_ETH_ADMIN_KEY}; never a command-line
     * argument, where it would land in shell history and process lists.
     */
    Secret read(Map<String, String> env) throws CairnException {
      if (file != null) {
        return EthereumRegistries.adminKey(file);
      }
      String v = env.get(ENV);
      if (v == null || v.isBlank()) {
        throw new ExitException(
            Main.USAGE,
            "no Ethereum admin key",
            "pass --admin-key-file FILE or set " + ENV + " (a hex secp256k1 private key)");
      }
      return EthereumRegistries.adminKey(v.strip(), ENV);
    }
  }

  /** {@code -o}: text (or table) for people, or one stable JSON document. */
  static final class JsonOutput {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "text (default; also: table) or json (one stable document on stdout).")
    String output = "text";

    /** Whether JSON was asked for; a usage error for anything else but text. */
    boolean json() throws ExitException {
      return switch (output) {
        case "json" -> true;
        case "text", "table" -> false;
        default ->
            throw new ExitException(Main.USAGE, "unknown output " + output, "use text or json");
      };
    }
  }

  /** A ledger as the user wrote it; a usage error names what is wrong. */
  static URI parse(String ledger) throws ExitException {
    try {
      return Ledgers.parse(ledger);
    } catch (LedgerException e) {
      throw new ExitException(Main.USAGE, String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
  }
}
