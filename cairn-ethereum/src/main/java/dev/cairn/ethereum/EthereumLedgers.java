package dev.cairn.ethereum;

import dev.cairn.ethereum.internal.Transactor;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.LedgerProvider;
import java.net.URI;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@code ethereum} ledger provider: {@code ethereum:http://host:8545#0xADDRESS}, or {@code
 * ethereum:env:VAR#0xADDRESS} to read the endpoint's URL from the environment variable {@code VAR}
 * when the ledger is opened (so that an API key in the URL never reaches a file or a message).
 * Found by {@link dev.cairn.ledger.Ledgers} through {@link java.util.ServiceLoader}; callers open a
 * {@link Ledger} and never name this class.
 */
public final class EthereumLedgers implements LedgerProvider {
  /** The URI scheme. */
  public static final String SCHEME = "ethereum";

  private final Function<String, @Nullable String> env;

  /** The provider {@link java.util.ServiceLoader} makes; it reads the process environment. */
  public EthereumLedgers() {
    this(System::getenv);
  }

  /** A provider that looks {@code env:} endpoints up in {@code env} (tests). */
  EthereumLedgers(Function<String, @Nullable String> env) {
    this.env = env;
  }

  @Override
  public String scheme() {
    return SCHEME;
  }

  /** True: transactions are signed by an account (the measured scanner's, or the admin's). */
  @Override
  public boolean needsSigner() {
    return true;
  }

  @Override
  public String syntax() {
    return "ethereum:URL#ADDRESS";
  }

  /**
   * Checks the spelling: an http(s) URL with a host, or {@code env:} and a variable name, then
   * {@code #}, {@code 0x} and 40 hex digits.
   */
  @Override
  public void check(URI ledger) throws LedgerException {
    EthereumLedger.Spec.of(ledger);
  }

  /**
   * Connects: reads an {@code env:} endpoint now, checks that the endpoint answers, serves {@link
   * LedgerOptions#expectedChainId()} (if given) and that the address holds Cairn's registry. {@link
   * LedgerOptions#signer()} is the raw 32-byte secp256k1 private key that sends transactions (null,
   * or {@link LedgerOptions#readOnly()}: read only); issuing takes a lock per registry in {@link
   * dev.cairn.core.CairnHome#ethereum()}.
   */
  @Override
  public EthereumLedger open(URI ledger, LedgerOptions options) throws LedgerException {
    EthereumLedger.Spec spec = EthereumLedger.Spec.of(ledger);
    return EthereumLedger.connect(
        spec,
        spec.rpc(env),
        options.readOnly() ? null : options.signer(),
        options.expectedChainId(),
        Transactor.Options.defaults().withConfirmations(options.confirmations()),
        options.readOnly() ? null : options.home().ethereum());
  }

  /** {@code {VAR}} for {@code ethereum:env:VAR#…}, else nothing. */
  @Override
  public Set<String> environment(URI ledger) {
    try {
      String var = EthereumLedger.Spec.of(ledger).variable();
      return var == null ? Set.of() : Set.of(var);
    } catch (LedgerException e) {
      return Set.of();
    }
  }
}
