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

  boolean isIssuer(String address) throws LedgerException;
}
