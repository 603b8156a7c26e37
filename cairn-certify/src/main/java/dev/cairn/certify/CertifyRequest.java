package dev.cairn.certify;

import dev.cairn.ledger.Ledgers;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.PssVersion;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One certification.
 *
 * @param target the cluster or snapshot
 * @param frameworks the frameworks to certify (empty: all)
 * @param pssVersion the Pod Security Standards version whose rules the PSS checks apply (pinned by
 *     the certificate through the check pack digest and the report)
 * @param validity the certificate's lifetime
 * @param ledger where to record it ({@link Ledgers#EMBEDDED} or any provider's URI)
 * @param confirmations blocks to wait for on a chain ledger
 * @param attestationService a team's attestation service (null: the embedded one in Cairn's home)
 * @param certificateFile where to write the certificate (null: {@code cluster-<id>.cert.json} in
 *     the working directory); the report goes beside it as {@code .report.json}
 */
public record CertifyRequest(
    Target target,
    Set<Framework> frameworks,
    PssVersion pssVersion,
    Duration validity,
    URI ledger,
    int confirmations,
    @Nullable URI attestationService,
    @Nullable Path certificateFile) {
  public CertifyRequest {
    frameworks = Set.copyOf(frameworks);
    if (validity.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException("a certificate is valid for at least a day");
    }
    if (confirmations < 1) {
      throw new IllegalArgumentException("confirmations must be at least 1");
    }
  }

  /** Every framework at the latest PSS version, 30 days, the embedded ledger and service. */
  public static CertifyRequest of(Target target) {
    return new CertifyRequest(
        target, Set.of(), PssVersion.LATEST, Duration.ofDays(30), Ledgers.EMBEDDED, 1, null, null);
  }

  public CertifyRequest withFrameworks(Set<Framework> f) {
    return new CertifyRequest(
        target,
        f,
        pssVersion,
        validity,
        ledger,
        confirmations,
        attestationService,
        certificateFile);
  }

  public CertifyRequest withPssVersion(PssVersion v) {
    return new CertifyRequest(
        target,
        frameworks,
        v,
        validity,
        ledger,
        confirmations,
        attestationService,
        certificateFile);
  }

  public CertifyRequest withValidity(Duration d) {
    return new CertifyRequest(
        target,
        frameworks,
        pssVersion,
        d,
        ledger,
        confirmations,
        attestationService,
        certificateFile);
  }

  public CertifyRequest withLedger(URI l, int n) {
    return new CertifyRequest(
        target, frameworks, pssVersion, validity, l, n, attestationService, certificateFile);
  }

  public CertifyRequest withAttestationService(@Nullable URI a) {
    return new CertifyRequest(
        target, frameworks, pssVersion, validity, ledger, confirmations, a, certificateFile);
  }

  public CertifyRequest withCertificateFile(@Nullable Path f) {
    return new CertifyRequest(
        target, frameworks, pssVersion, validity, ledger, confirmations, attestationService, f);
  }
}
