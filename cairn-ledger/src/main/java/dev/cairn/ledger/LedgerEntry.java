package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What a ledger records: certificates issued for clusters, and revocations. */
public sealed interface LedgerEntry {
  /** The certificate this entry is about. */
  Digest certificate();

  /** The canonical JSON map this entry is stored and hashed as. */
  Map<String, Object> toMap();

  /**
   * A certificate issued for a cluster.
   *
   * @param cluster the cluster identity digest
   * @param certificate digest of the certificate (the DSSE envelope bytes)
   * @param issuedAt issue time
   * @param expiresAt expiry time
   * @param locator where the full certificate can be fetched (file name, URL), may be empty
   * @param envelope the certificate itself (DSSE JSON), kept by the embedded log; may be empty
   */
  record Issued(
      Digest cluster,
      Digest certificate,
      Instant issuedAt,
      Instant expiresAt,
      String locator,
      byte[] envelope)
      implements LedgerEntry {
    public Issued {
      envelope = envelope.clone();
      if (!expiresAt.isAfter(issuedAt)) {
        throw new IllegalArgumentException("a certificate must expire after it is issued");
      }
    }

    @Override
    public byte[] envelope() {
      return envelope.clone();
    }

    @Override
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "issued");
      m.put("cluster", cluster.toString());
      m.put("certificate", certificate.toString());
      m.put("issuedAt", issuedAt.toString());
      m.put("expiresAt", expiresAt.toString());
      m.put("locator", locator);
      m.put("envelope", Base64.getEncoder().encodeToString(envelope));
      return m;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Issued i && toMap().equals(i.toMap());
    }

    @Override
    public int hashCode() {
      return certificate.hashCode();
    }

    @Override
    public String toString() {
      return "Issued[cluster="
          + cluster
          + ", certificate="
          + certificate
          + ", expiresAt="
          + expiresAt
          + "]";
    }
  }

  /** A certificate withdrawn before its expiry. */
  record Revoked(Digest certificate, String reason, Instant revokedAt) implements LedgerEntry {
    @Override
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "revoked");
      m.put("certificate", certificate.toString());
      m.put("reason", reason);
      m.put("revokedAt", revokedAt.toString());
      return m;
    }
  }

  /** Reads the map form back; throws {@link IllegalArgumentException} on anything else. */
  static LedgerEntry fromMap(Map<?, ?> m) {
    Object type = m.get("type");
    if ("issued".equals(type)) {
      return new Issued(
          Digest.parse(str(m, "cluster")),
          Digest.parse(str(m, "certificate")),
          Instant.parse(str(m, "issuedAt")),
          Instant.parse(str(m, "expiresAt")),
          str(m, "locator"),
          Base64.getDecoder().decode(str(m, "envelope")));
    }
    if ("revoked".equals(type)) {
      return new Revoked(
          Digest.parse(str(m, "certificate")),
          str(m, "reason"),
          Instant.parse(str(m, "revokedAt")));
    }
    throw new IllegalArgumentException("unknown ledger entry type " + type);
  }

  private static String str(Map<?, ?> m, String k) {
    if (m.get(k) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("ledger entry lacks " + k);
  }
}
