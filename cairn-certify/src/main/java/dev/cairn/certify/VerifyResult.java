package dev.cairn.certify;

import dev.cairn.core.Digest;
import dev.cairn.ledger.Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How a verification ended. */
public sealed interface VerifyResult permits VerifyResult.Verified, VerifyResult.NotVerified {
  /** The certificate's digest. */
  Digest certificateDigest();

  /** The ledger its receipt names. */
  String ledger();

  /**
   * The stable JSON document ({@code docs/verify-schema.json}) as plain values, with {@code hint}
   * (worded by the edge) for a broken link.
   */
  default java.util.Map<String, Object> document(@Nullable String hint) {
    java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
    switch (this) {
      case Verified v -> {
        Certificate c = v.certificate();
        doc.put("verified", true);
        doc.put("certificate", v.certificateDigest().toString());
        doc.put("cluster", c.clusterId().toString());
        doc.put("server", c.server());
        doc.put("source", c.source());
        SnapshotAcceptance sa = v.snapshot();
        if (sa != null) {
          java.util.Map<String, Object> snap = new java.util.LinkedHashMap<>();
          snap.put("identity", "claimed");
          snap.put("acceptedBy", sa == SnapshotAcceptance.TRUST_ROOT ? "trust root" : "request");
          doc.put("snapshot", snap);
        }
        doc.put("frameworks", c.frameworks());
        doc.put("summary", c.summary());
        java.util.Map<String, Object> scanner = new java.util.LinkedHashMap<>();
        scanner.put("measurement", c.measurement().toString());
        scanner.put("tee", c.tee());
        scanner.put("hardwareBacked", c.hardwareBacked());
        doc.put("scanner", scanner);
        doc.put("issuedAt", c.issuedAt().toString());
        doc.put("expiresAt", c.expiresAt().toString());
        doc.put("ledger", v.ledger());
        doc.put("links", v.links());
        doc.put("notChecked", v.notChecked());
      }
      case NotVerified n -> {
        doc.put("verified", false);
        doc.put("certificate", n.certificateDigest().toString());
        doc.put("ledger", n.ledger());
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("link", n.link());
        f.put("message", n.message());
        if (hint != null) {
          f.put("hint", hint);
        }
        doc.put("failure", f);
      }
    }
    return doc;
  }

  /** Who accepted a certificate made from a snapshot, whose cluster identity is only claimed. */
  enum SnapshotAcceptance {
    /** The trust root accepts snapshot certificates. */
    TRUST_ROOT,
    /** The request did ({@link VerifyRequest#allowSnapshot()}). */
    REQUEST
  }

  /**
   * Every link held.
   *
   * @param certificate what it certifies
   * @param links the links checked, in order
   * @param recordedOn the chain ledger it was checked on (null for the embedded log or offline)
   * @param notChecked what could not be checked ({@code revocation}, {@code cluster identity})
   * @param snapshot for a certificate made from a snapshot (its cluster's identity only claimed),
   *     who accepted it; null for one made from a live cluster
   */
  record Verified(
      Digest certificateDigest,
      String ledger,
      Certificate certificate,
      List<String> links,
      @Nullable String recordedOn,
      List<String> notChecked,
      @Nullable SnapshotAcceptance snapshot)
      implements VerifyResult {
    public Verified {
      links = List.copyOf(links);
      notChecked = List.copyOf(notChecked);
    }
  }

  /**
   * A link broke.
   *
   * @param link the link that broke ({@code signature}, {@code ledger record}, …)
   * @param message what broke
   * @param hint what to do, phrased to follow "perhaps you should"
   */
  record NotVerified(
      Digest certificateDigest,
      String ledger,
      String link,
      String message,
      @Nullable String hint,
      dev.cairn.core.@Nullable Fix fix)
      implements VerifyResult {}
}
