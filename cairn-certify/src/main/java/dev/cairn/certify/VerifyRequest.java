package dev.cairn.certify;

import dev.cairn.ledger.CertificateBundle;
import java.net.URI;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One verification.
 *
 * @param certificate the certificate with its receipt
 * @param trustRoot the trust root (null: the one in Cairn's home)
 * @param ledger which ledger to check against
 * @param kubeconfig also check that this live cluster is the certified one (null: not checked)
 */
public record VerifyRequest(
    CertificateBundle certificate,
    @Nullable Path trustRoot,
    LedgerChoice ledger,
    @Nullable Path kubeconfig) {
  public static VerifyRequest of(CertificateBundle certificate) {
    return new VerifyRequest(certificate, null, new LedgerChoice.Default(), null);
  }

  public VerifyRequest withTrustRoot(@Nullable Path t) {
    return new VerifyRequest(certificate, t, ledger, kubeconfig);
  }

  public VerifyRequest withLedger(LedgerChoice l) {
    return new VerifyRequest(certificate, trustRoot, l, kubeconfig);
  }

  public VerifyRequest withKubeconfig(@Nullable Path k) {
    return new VerifyRequest(certificate, trustRoot, ledger, k);
  }

  /** Which ledger a verification reads. */
  public sealed interface LedgerChoice {
    /**
     * Where the trust root pins a chain for a chain-recorded certificate, else the embedded log in
     * Cairn's home when it exists; never an endpoint the certificate names.
     */
    record Default() implements LedgerChoice {}

    /** No ledger: revocation is not checked (and a chain record cannot be). */
    record Offline() implements LedgerChoice {}

    /** This ledger. */
    record Named(URI ledger) implements LedgerChoice {}
  }
}
