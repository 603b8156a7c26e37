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
 * @param allowSnapshot accept a certificate made from a snapshot even if the trust root does not (a
 *     snapshot only claims its cluster's identity)
 * @param requireLiveIdentity fail unless the live cluster's identity is read and matches ({@code
 *     kubeconfig} given): what a deploy gate asks, so that it never takes a certificate, snapshot
 *     or not, for a cluster it has not seen
 */
public record VerifyRequest(
    CertificateBundle certificate,
    @Nullable Path trustRoot,
    LedgerChoice ledger,
    @Nullable Path kubeconfig,
    boolean allowSnapshot,
    boolean requireLiveIdentity) {
  public static VerifyRequest of(CertificateBundle certificate) {
    return new VerifyRequest(certificate, null, new LedgerChoice.Default(), null, false, false);
  }

  public VerifyRequest withTrustRoot(@Nullable Path t) {
    return new VerifyRequest(
        certificate, t, ledger, kubeconfig, allowSnapshot, requireLiveIdentity);
  }

  public VerifyRequest withLedger(LedgerChoice l) {
    return new VerifyRequest(
        certificate, trustRoot, l, kubeconfig, allowSnapshot, requireLiveIdentity);
  }

  public VerifyRequest withKubeconfig(@Nullable Path k) {
    return new VerifyRequest(certificate, trustRoot, ledger, k, allowSnapshot, requireLiveIdentity);
  }

  /** This request accepting (or not) a certificate made from a snapshot. */
  public VerifyRequest withSnapshotAllowed(boolean allow) {
    return new VerifyRequest(
        certificate, trustRoot, ledger, kubeconfig, allow, requireLiveIdentity);
  }

  /** This request failing unless the live cluster's identity is checked (for a deploy gate). */
  public VerifyRequest withLiveIdentityRequired(boolean require) {
    return new VerifyRequest(certificate, trustRoot, ledger, kubeconfig, allowSnapshot, require);
  }

  /** Which ledger a verification reads. */
  public sealed interface LedgerChoice {
    /**
     * Where the trust root pins a chain for a chain-recorded certificate, else the embedded log in
     * Cairn's home (which must be there for a certificate recorded on it); never an endpoint the
     * certificate names.
     */
    record Default() implements LedgerChoice {}

    /** No ledger: revocation is not checked (and a chain record cannot be). */
    record Offline() implements LedgerChoice {}

    /** This ledger. */
    record Named(URI ledger) implements LedgerChoice {}
  }
}
