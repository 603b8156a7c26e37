package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.Secret;
import dev.cairn.core.Sizes;
import dev.cairn.ethereum.EthereumRegistries;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.Ledgers;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.PssVersion;
import dev.cairn.scanner.ReportFormat;
import dev.cairn.scanner.ScanException;
import dev.cairn.scanner.Severity;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Options several commands share (picocli mixins), and the converters of option values into API
 * values. A converter's {@link ExitException} reaches the user as one line, with {@value #OPTION}
 * in its message and hint replaced by the option's name ({@link Main}).
 */
final class Options {
  private Options() {}

  /** Stands for the option's name in a converter's message. */
  static final String OPTION = "{option}";

  /** {@code -f}: the frameworks whose checks run. */
  static final class Frameworks {
    @Option(
        names = {"-f", "--framework"},
        split = ",",
        paramLabel = "F")
    List<String> names = new ArrayList<>();

    /** The frameworks named; empty for all. */
    Set<Framework> set() throws ExitException {
      Set<Framework> fws = EnumSet.noneOf(Framework.class);
      for (String f : names) {
        if (f.equalsIgnoreCase("all")) {
          return Set.of();
        }
        fws.add(
            Framework.parse(f)
                .orElseThrow(
                    () ->
                        ExitException.usage(
                            "unknown framework '" + f + "'",
                            "use pss-baseline, pss-restricted, nsa-cisa, mitre, cis, best-practice"
                                + " or all")));
      }
      return fws;
    }
  }

  /** {@code --pss-version}: the Pod Security Standards version whose rules apply. */
  static final class Pss {
    @Option(
        names = "--pss-version",
        paramLabel = "VERSION",
        converter = PssValue.class,
        description =
            "Pod Security Standards version whose rules the PSS checks apply, as"
                + " pod-security-admission names them: latest or v1.N (default: latest, v1."
                + PssVersion.LATEST_MINOR
                + "); checks introduced later do not run.")
    PssVersion version = PssVersion.LATEST;
  }

  /** {@code -f}, {@code --checks} and {@code --pss-version}: which checks run. */
  static final class CheckChoice {
    @picocli.CommandLine.Mixin Frameworks frameworks = new Frameworks();

    @Option(names = "--checks", paramLabel = "DIR")
    @Nullable Path dir;

    @picocli.CommandLine.Mixin Pss pss = new Pss();

    /** The built-in checks plus those of {@code --checks} (overriding by id), selected. */
    CheckSet select() throws ExitException, ScanException {
      CheckSet checks = Checks.builtin();
      if (dir != null) {
        checks = checks.with(Checks.load(dir));
      }
      return checks.select(frameworks.set()).forPssVersion(pss.version);
    }
  }

  static final class PssValue implements ITypeConverter<PssVersion> {
    @Override
    public PssVersion convert(String s) throws ExitException {
      return PssVersion.parse(s)
          .orElseThrow(
              () ->
                  ExitException.usage(
                      "unknown Pod Security Standards version '" + s + "' for " + OPTION,
                      "use latest or v1.0 to v1."
                          + PssVersion.LATEST_MINOR
                          + " (the newest this Cairn implements)"));
    }
  }

  static final class SeverityValue implements ITypeConverter<Severity> {
    @Override
    public Severity convert(String s) throws ExitException {
      return Severity.parse(s)
          .orElseThrow(
              () ->
                  ExitException.usage(
                      "unknown severity '" + s + "' for " + OPTION,
                      "use info, low, medium, high or critical"));
    }
  }

  static final class FormatValue implements ITypeConverter<ReportFormat> {
    @Override
    public ReportFormat convert(String s) throws ExitException {
      return ReportFormat.parse(s)
          .orElseThrow(
              () ->
                  ExitException.usage(
                      "unknown output format '" + s + "'",
                      "use -o table, json, sarif, junit or html"));
    }
  }

  /** A size: {@code 64MiB}, {@code 1G}, bytes; at most 1 GiB (a YAML document). */
  static final class DocumentSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String s) throws ExitException {
      return size(s, 1L << 30, "128MiB");
    }
  }

  /** A size: {@code 8GiB}, bytes (all that is read from one file or stream). */
  static final class InputSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String s) throws ExitException {
      return size(s, Long.MAX_VALUE, "4GiB");
    }
  }

  private static long size(String value, long max, String example) throws ExitException {
    var parsed = Sizes.parse(value);
    if (parsed.isEmpty() || parsed.getAsLong() > max) {
      throw ExitException.usage(
          OPTION
              + " "
              + value
              + " is not a size"
              + (parsed.isPresent() ? " up to " + Sizes.format(max) : ""),
          "pass a size such as " + example + " or 512MiB");
    }
    return parsed.getAsLong();
  }

  /** A positive whole number: threads, objects, days, confirmations. */
  static final class Positive implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String s) throws ExitException {
      try {
        int n = Integer.parseInt(s.strip());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw ExitException.usage(
          OPTION + " " + s + " is not a whole number of 1 or more",
          "pass " + OPTION + " 1 or more");
    }
  }

  /** {@code --ledger}: where certificates are recorded. */
  static final class LedgerOption {
    @Option(names = "--ledger", paramLabel = "LEDGER")
    @Nullable String ledger;

    /** The ledger named, or {@code otherwise}. */
    @Nullable URI uri(@Nullable URI otherwise) throws ExitException {
      return ledger == null ? otherwise : parse(ledger);
    }
  }

  /** {@code --admin-key-file}: a registry admin's key. */
  static final class AdminKeyOption {
    static final String ENV = "CAIRN_ETH_ADMIN_KEY";

    @Option(names = "--admin-key-file", paramLabel = "FILE")
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
        throw ExitException.usage(
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
        paramLabel = "FORMAT")
    String output = "text";

    /** Whether JSON was asked for; a usage error for anything else but text. */
    boolean json() throws ExitException {
      return switch (output) {
        case "json" -> true;
        case "text", "table" -> false;
        default -> throw ExitException.usage("unknown output " + output, "use text or json");
      };
    }
  }

  /** A ledger as the user wrote it; a usage error names what is wrong. */
  static URI parse(String ledger) throws ExitException {
    try {
      return Ledgers.parse(ledger);
    } catch (LedgerException e) {
      throw ExitException.usage(String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
  }
}
