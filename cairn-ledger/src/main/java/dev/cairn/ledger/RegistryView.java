package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What a verifier reads from a certificate registry on a blockchain. */
public interface RegistryView {
  /** A certificate as the registry records it. */
  record OnChain(
      Digest cluster,
      String issuer,
      Instant issuedAt,
      Instant expiresAt,
      @Nullable Instant revokedAt,
      String locator,
      String revocationReason) {}

  /** For people: {@code ethereum:URL#ADDRESS}. */
  String describe();

  /** The chain the endpoint serves. */
  long chainId() throws LedgerException;

  /** The registry's address. */
  String contract();

  Optional<OnChain> record(Digest certificate) throws LedgerException;

  /**
   * The record of {@code certificate} for {@code cluster}, which a verifier knows from the
   * certificate it checks. A registry that keys records by certificate alone (contract version 1)
   * answers {@link #record(Digest)}, whose cluster the caller compares; version 2 keys them by
   * both.
   */
  default Optional<OnChain> record(Digest cluster, Digest certificate) throws LedgerException {
    return record(certificate);
  }

  /**
   * The registry's contract version (1: {@code CertificateRegistry}, 2: {@code
   * CertificateRegistryV2}), as its code says; a trust root's ledger pin names the one it trusts.
   */
  default int contractVersion() {
    return 1;
  }

  boolean isIssuer(String address) throws LedgerException;
}
