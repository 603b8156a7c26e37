package dev.cairn.scanner;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.util.Map;

/**
 * Who a cluster is, so that a certificate can't be replayed for another one: a digest over the
 * {@code kube-system} namespace UID (made when the cluster was created, never reused) and the
 * fingerprint of the API server's CA certificate. The server URL is kept for display only.
 *
 * @param id {@code sha256} of the canonical JSON {@code {"caFingerprint":..., "kubeSystemUid":...}}
 * @param kubeSystemUid UID of the kube-system namespace
 * @param caFingerprint SHA-256 of the DER bytes of the API server CA certificate
 * @param server the API server URL (display only; not part of {@code id})
 */
public record ClusterIdentity(
    Digest id, String kubeSystemUid, Digest caFingerprint, String server) {
  public ClusterIdentity {
    if (!id.equals(compute(kubeSystemUid, caFingerprint))) {
      throw new IllegalArgumentException("cluster identity digest does not match its parts");
    }
  }

  public static ClusterIdentity of(String kubeSystemUid, Digest caFingerprint, String server) {
    return new ClusterIdentity(
        compute(kubeSystemUid, caFingerprint), kubeSystemUid, caFingerprint, server);
  }

  static Digest compute(String kubeSystemUid, Digest caFingerprint) {
    return Digest.sha256(
        Json.canonical(
            Map.of("caFingerprint", caFingerprint.toString(), "kubeSystemUid", kubeSystemUid)));
  }
}
