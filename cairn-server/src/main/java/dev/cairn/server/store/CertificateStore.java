package dev.cairn.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The certificates issued per cluster, with their status and where their ledger proof is. */
public interface CertificateStore {
  /** Whether a certificate still stands. */
  enum Status {
    VALID,
    REVOKED
  }

  /**
   * One issued certificate.
   *
   * @param id the certificate's id (as the ledger names it)
   * @param clusterIdentity the identity of the cluster it speaks for
   * @param issuedAt when it was issued
   * @param expiresAt when it expires
   * @param status valid or revoked (expiry is {@link #expiresAt} against the time asked)
   * @param revokedAt when it was revoked, for a revoked one
   * @param revokeReason why, for a revoked one
   * @param certificateJson the certificate (its DSSE envelope) as JSON
   * @param proofLocator where its ledger inclusion proof is (a ledger URI and entry)
   */
  record StoredCertificate(
      String id,
      String clusterIdentity,
      Instant issuedAt,
      Instant expiresAt,
      Status status,
      @Nullable Instant revokedAt,
      @Nullable String revokeReason,
      String certificateJson,
      String proofLocator) {
    public StoredCertificate {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(clusterIdentity, "clusterIdentity");
      Objects.requireNonNull(issuedAt, "issuedAt");
      Objects.requireNonNull(expiresAt, "expiresAt");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(certificateJson, "certificateJson");
      Objects.requireNonNull(proofLocator, "proofLocator");
      if (id.isBlank() || id.length() > 200) {
        throw new IllegalArgumentException("a certificate id is 1 to 200 characters");
      }
      if (!expiresAt.isAfter(issuedAt)) {
        throw new IllegalArgumentException("a certificate expires after it is issued");
      }
      if ((status == Status.REVOKED) != (revokedAt != null)) {
        throw new IllegalArgumentException("a revoked certificate, and only one, has a time");
      }
    }

    /** Valid, not revoked, and not expired at {@code at}. */
    public boolean validAt(Instant at) {
      return status == Status.VALID && at.isBefore(expiresAt) && !at.isBefore(issuedAt);
    }
  }

  /** Adds a newly issued certificate, whole; an id already stored is an error. */
  void add(StoredCertificate certificate) throws StoreException;

  Optional<StoredCertificate> get(String id) throws StoreException;

  /** A cluster's certificates, newest first. */
  List<StoredCertificate> forCluster(String clusterIdentity) throws StoreException;

  /** Valid certificates that expire before {@code before}, soonest first (for re-certifying). */
  List<StoredCertificate> expiringBefore(Instant before) throws StoreException;

  /** Marks a certificate revoked; revoking a revoked one keeps its first revocation. */
  StoredCertificate revoke(String id, Instant at, String reason) throws StoreException;
}
