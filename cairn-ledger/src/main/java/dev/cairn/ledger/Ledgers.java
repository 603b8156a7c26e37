package dev.cairn.ledger;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;

/** Opens ledgers by name: {@code embedded} or any scheme a {@link LedgerProvider} serves. */
public final class Ledgers {
  /** The transparency log in Cairn's home. */
  public static final URI EMBEDDED = URI.create("embedded");

  private Ledgers() {}

  /** Parses and checks a ledger's name as a user writes it; contacts nothing. */
  public static URI parse(String spec) throws LedgerException {
    String s = spec.strip();
    if (s.equals("embedded") || s.equals("embedded:")) {
      return EMBEDDED;
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (java.net.URISyntaxException e) {
      throw new LedgerException(
          "not a ledger: " + redacted(s), "write one of: " + String.join(", ", syntaxes()), e);
    }
    provider(uri).check(uri);
    return uri;
  }

  /** Opens {@code ledger}. */
  public static Ledger open(URI ledger, LedgerOptions options) throws LedgerException {
    return provider(ledger).open(ledger, options);
  }

  /** Whether {@code ledger} has anything to open. */
  public static boolean exists(URI ledger, LedgerOptions options) throws LedgerException {
    return provider(ledger).exists(ledger, options);
  }

  /** The environment variables a measured workload needs to reach {@code ledger}. */
  public static Set<String> environment(URI ledger) throws LedgerException {
    return provider(ledger).environment(ledger);
  }

  /** Whether writing to {@code ledger} needs a key from the caller. */
  public static boolean needsSigner(URI ledger) throws LedgerException {
    return provider(ledger).needsSigner();
  }

  /** Whether {@code ledger} is the embedded log. */
  public static boolean isEmbedded(URI ledger) {
    return scheme(ledger).equals("embedded");
  }

  /** The scheme of {@code ledger} ({@code embedded} for the bare word). */
  public static String scheme(URI ledger) {
    String s = ledger.getScheme();
    return s == null ? ledger.toString().toLowerCase(Locale.ROOT) : s.toLowerCase(Locale.ROOT);
  }

  private static LedgerProvider provider(URI ledger) throws LedgerException {
    String scheme = scheme(ledger);
    for (LedgerProvider p : providers()) {
      if (p.scheme().equals(scheme)) {
        return p;
      }
    }
    throw new LedgerException(
        "unknown ledger " + redacted(ledger.toString()), "use " + String.join(" or ", syntaxes()));
  }

  private static List<LedgerProvider> providers() {
    List<LedgerProvider> out = new ArrayList<>();
    out.add(new dev.cairn.ledger.internal.EmbeddedLedgers());
    for (LedgerProvider p : ServiceLoader.load(LedgerProvider.class)) {
      if (!p.scheme().equals("embedded")) {
        out.add(p);
      }
    }
    return out;
  }

  private static List<String> syntaxes() {
    return providers().stream().map(LedgerProvider::syntax).toList();
  }

  /** A ledger name as messages show it: no user info, path or query (where API keys live). */
  public static String redacted(String spec) {
    return spec.replaceAll("//[^/@#]*@", "//").replaceAll("(https?://[^/#?]+)[^#]*", "$1");
  }
}
