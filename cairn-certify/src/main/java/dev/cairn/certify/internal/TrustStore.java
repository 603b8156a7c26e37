package dev.cairn.certify.internal;

import dev.cairn.attest.PublishedTrust;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.TrustAnchors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reads and grows the trust root in Cairn's home. */
public final class TrustStore {
  private TrustStore() {}

  /** The trust root in {@code file}, if there is one. */
  public static Optional<TrustAnchors> read(Path file) throws CairnException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(TrustAnchors.parse(Files.readString(file)));
    } catch (IOException e) {
      throw new CairnException(
          "cannot read the trust root " + file + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * Grows the home's trust root with what the attestation service publishes now, the log's key and,
   * for a chain, the registry it recorded on; returns the number of entries added.
   */
  public static int grow(
      CairnHome home,
      PublishedTrust published,
      @Nullable String logVerifierKey,
      @Nullable ChainReceipt chain,
      Instant now)
      throws CairnException {
    Path file = home.trustRoot();
    TrustAnchors before = read(file).orElse(null);
    String logKey =
        logVerifierKey != null ? logVerifierKey : before != null ? before.logVerifierKey() : "";
    TrustAnchors t =
        new TrustAnchors(
            logKey,
            published.platformKeys(),
            published.policy(),
            published.measurements(),
            published.signingKey());
    if (chain != null) {
      t = t.withLedger(chain.issuer(), chain.ledger(), chain.chainId());
    } else if (before != null) {
      t = t.withLedgerOf(before);
    }
    try {
      AtomicFiles.write(file, t.toJson());
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the trust root " + file + ": " + e.getMessage(), null, e);
    }
    return before == null || !before.toJson().equals(t.toJson()) ? 1 : 0;
  }
}
