package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a certificate bundle carries so that its revocation can be checked without the log: a
 * checkpoint of the log (signed, perhaps cosigned by witnesses) that commits to its revocation map
 * (the {@code revocations} extension line, a {@link SparseMerkle} root keyed by certificate
 * digest), and the map's proof for this certificate — of absence (not revoked), or of membership
 * with the revocation entry. Optionally a consistency proof from an older size of the log (the one
 * a verifier's trust root pins) to the checkpoint. See ADR 0011 and docs/ledger.md.
 *
 * @param checkpoint the signed note of the checkpoint the proof is against
 * @param certificate the certificate's digest, the map's key
 * @param revocation the revocation entry's bytes (its log leaf), for a revoked certificate; the
 *     map's value is its leaf hash. Null for a proof of absence
 * @param proof the map's proof for {@code certificate}
 * @param consistencyFrom the size the consistency proof starts from, or -1 for none
 * @param consistency the RFC 9162 consistency proof from {@code consistencyFrom} to the checkpoint
 */
public record RevocationProof(
    String checkpoint,
    Digest certificate,
    byte @Nullable [] revocation,
    SparseMerkle.Proof proof,
    long consistencyFrom,
    List<byte[]> consistency) {
  public RevocationProof {
    revocation = revocation == null ? null : revocation.clone();
    consistency = consistency.stream().map(byte[]::clone).toList();
    if (consistencyFrom < -1) {
      throw new IllegalArgumentException("consistencyFrom is a tree size or -1");
    }
  }

  @Override
  public byte @Nullable [] revocation() {
    return revocation == null ? null : revocation.clone();
  }

  /**
   * The result of checking the map's proof against a checkpoint's revocation map.
   *
   * @param holds whether the proof verifies against the map's root for the certificate
   * @param revoked whether it proves the certificate revoked (with {@code entry})
   * @param entry the revocation, if proven revoked
   */
  public record Outcome(boolean holds, boolean revoked, LedgerEntry.@Nullable Revoked entry) {}

  /**
   * Checks the map's proof against {@code mapRoot} for this proof's certificate: a proof of absence
   * holds when the path from the empty leaf reaches the root; one of membership when the path from
   * the revocation entry's leaf does, and the entry revokes this certificate.
   */
  public Outcome check(byte[] mapRoot) {
    if (!java.util.Arrays.equals(proof.key(), certificate.bytes())) {
      return new Outcome(false, false, null);
    }
    byte[] rev = revocation;
    if (rev == null) {
      return new Outcome(proof.absent() && proof.verify(mapRoot), false, null);
    }
    byte[] value = proof.value();
    if (value == null || !java.util.Arrays.equals(value, Merkle.leafHash(rev))) {
      return new Outcome(false, false, null);
    }
    LedgerEntry e;
    try {
      e = TransparencyLog.parse(rev);
    } catch (LedgerException ex) {
      return new Outcome(false, false, null);
    }
    if (!(e instanceof LedgerEntry.Revoked r) || !r.certificate().equals(certificate)) {
      return new Outcome(false, false, null);
    }
    return new Outcome(proof.verify(mapRoot), true, r);
  }

  /** The JSON form, as a bundle's {@code revocationProof}. */
  public Map<String, Object> toMap() {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("checkpoint", checkpoint);
    m.put("certificate", certificate.toString());
    SparseMerkle.Compressed c = proof.compress();
    m.put("emptySiblings", b64.encodeToString(c.emptyBitmap()));
    m.put("siblings", c.siblings().stream().map(b64::encodeToString).toList());
    byte[] rev = revocation;
    if (rev != null) {
      m.put("revocation", b64.encodeToString(rev));
    }
    if (consistencyFrom >= 0) {
      Map<String, Object> cons = new LinkedHashMap<>();
      cons.put("fromSize", consistencyFrom);
      cons.put("proof", consistency.stream().map(b64::encodeToString).toList());
      m.put("consistency", cons);
    }
    return m;
  }

  /**
   * Reads the JSON form.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static RevocationProof fromMap(Map<?, ?> m) {
    String checkpoint = text(m, "checkpoint");
    Digest certificate;
    try {
      certificate = Digest.parse(text(m, "certificate"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'certificate' is not a sha256 digest");
    }
    byte[] bitmap = base64(text(m, "emptySiblings"), "emptySiblings");
    List<byte[]> siblings = hashes(m.get("siblings"), "siblings");
    byte[] rev = null;
    if (m.get("revocation") != null) {
      rev = base64(text(m, "revocation"), "revocation");
    }
    long from = -1;
    List<byte[]> cons = List.of();
    if (m.get("consistency") != null) {
      if (!(m.get("consistency") instanceof Map<?, ?> c)) {
        throw new IllegalArgumentException("'consistency' is not an object");
      }
      if (!(c.get("fromSize") instanceof Number n) || n.longValue() < 0) {
        throw new IllegalArgumentException("'consistency.fromSize' is not a tree size");
      }
      from = n.longValue();
      cons = hashes(c.get("proof"), "consistency.proof");
    }
    SparseMerkle.Proof proof =
        SparseMerkle.Proof.expand(
            certificate.bytes(), rev == null ? null : Merkle.leafHash(rev), bitmap, siblings);
    return new RevocationProof(checkpoint, certificate, rev, proof, from, cons);
  }

  private static String text(Map<?, ?> m, String k) {
    if (m.get(k) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("missing '" + k + "'");
  }

  private static byte[] base64(String s, String k) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + k + "' is not base64");
    }
  }

  private static List<byte[]> hashes(@Nullable Object o, String k) {
    if (!(o instanceof List<?> l)) {
      throw new IllegalArgumentException("'" + k + "' is not a list");
    }
    List<byte[]> out = new ArrayList<>();
    for (Object x : l) {
      if (!(x instanceof String s)) {
        throw new IllegalArgumentException("'" + k + "' has an item that is not a string");
      }
      byte[] h = base64(s, k);
      if (h.length != Merkle.HASH) {
        throw new IllegalArgumentException("'" + k + "' has an item that is not a 32-byte hash");
      }
      out.add(h);
    }
    return out;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RevocationProof r && toMap().equals(r.toMap());
  }

  @Override
  public int hashCode() {
    return certificate.hashCode();
  }

  @Override
  public String toString() {
    return "RevocationProof[" + certificate + (revocation == null ? " absent" : " revoked") + "]";
  }
}
