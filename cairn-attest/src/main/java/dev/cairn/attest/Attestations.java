package dev.cairn.attest;

import dev.cairn.core.Digest;
import dev.cairn.core.Keys;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Set;

/** Verifies evidence; every failure names the link that broke. */
public final class Attestations {
  private Attestations() {}

  /**
   * The 64 bytes a workload binds into its evidence: {@code SHA-512(nonce || enclave public key)}.
   */
  public static byte[] reportData(byte[] nonce, byte[] enclavePublicKey) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-512");
      md.update(nonce);
      md.update(enclavePublicKey);
      return md.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }

  /**
   * Checks, in order: the platform key is the trusted one, the signature over the evidence, the
   * measurement is one the policy allows, and the report data is the expected one (fresh nonce and
   * the workload's key).
   */
  public static void verify(
      Evidence e,
      PublicKey trustedPlatformKey,
      Set<Digest> allowedMeasurements,
      byte[] expectedReportData)
      throws AttestationException {
    if (!e.platformKey().equals(Keys.keyId(trustedPlatformKey))) {
      throw new AttestationException(
          "attestation evidence is signed by platform key "
              + e.platformKey()
              + ", not the trusted one "
              + Keys.keyId(trustedPlatformKey),
          "check which platform (or simulated platform) produced it");
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(trustedPlatformKey);
      s.update(e.signedBytes());
      if (!s.verify(e.signature())) {
        throw new AttestationException(
            "attestation evidence signature is invalid (evidence altered after signing)", null);
      }
    } catch (GeneralSecurityException ex) {
      throw new AttestationException(
          "attestation evidence signature cannot be checked: " + ex.getMessage(), null, ex);
    }
    if (!allowedMeasurements.contains(e.measurement())) {
      throw new AttestationException(
          "measurement " + e.measurement() + " is not allowed by the attestation policy",
          "approve this measurement in the policy if the change is yours: the scanner's code, check"
              + " packs or launch configuration differ from what the policy approved");
    }
    if (!MessageDigest.isEqual(e.reportData(), expectedReportData)) {
      throw new AttestationException(
          "attestation evidence binds other report data (a replayed or foreign evidence)",
          "request fresh evidence with a new nonce");
    }
  }
}
