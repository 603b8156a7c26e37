package dev.cairn.certify.internal;

import dev.cairn.attest.PublishedTrust;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.TrustRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads and grows the trust root in Cairn's home. It only grows: what the attestation service
 * publishes now is appended with an open window; what it no longer publishes has its window closed
 * (docs/trust-root.md).
 */
public final class TrustStore {
  private TrustStore() {}

  /** The trust root in {@code file}, if there is one (an older trust.json is migrated). */
  public static Optional<TrustRoot> read(Path file) throws CairnException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(TrustRoot.parse(Files.readString(file)));
    } catch (IOException e) {
      throw new CairnException(
          "cannot read the trust root " + file + ": " + e.getMessage(), "check the path", e);
    }
  }

  /**
   * Grows the home's trust root with what the attestation service publishes now, the embedded log's
   * key and, for a chain, the registry and issuer that recorded; moves the pin of {@code log}'s
   * checkpoint forward (after a consistency proof from the pinned one); returns the number of
   * entries added or closed (at least 1 when anything changed).
   */
  public static int grow(
      CairnHome home,
      PublishedTrust published,
      String logVerifierKey,
      @Nullable ChainReceipt chain,
      int contractVersion,
      @Nullable Ledger log,
      Instant now)
      throws CairnException {
    Path file = home.trustRoot();
    TrustRoot before = read(file).orElse(TrustRoot.empty());
    TrustRoot t =
        before.sync(
            new TrustRoot.Snapshot(
                new TrustRoot.Policy(
                    published.policy(), published.session(), published.policyVersion()),
                published.measurements(),
                published.signingKey(),
                published.platformKeys(),
                logVerifierKey),
            now);
    if (chain != null) {
      t =
          t.withLedgerPin(
              new TrustRoot.LedgerPin(
                  chain.ledger(), chain.chainId(), chain.issuer(), contractVersion),
              now);
    }
    if (log != null) {
      t = t.withCheckpointOf(log);
    }
    if (t.equals(before) && Files.exists(file)) {
      return 0;
    }
    write(file, t);
    return Math.max(1, t.entries().size() - before.entries().size());
  }

  /** Writes {@code t} to {@code file} atomically. */
  public static void write(Path file, TrustRoot t) throws CairnException {
    try {
      AtomicFiles.write(file, t.toJson());
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the trust root " + file + ": " + e.getMessage(), null, e);
    }
  }
}
