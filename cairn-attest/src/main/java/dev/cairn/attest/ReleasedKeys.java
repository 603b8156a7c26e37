package dev.cairn.attest;

import dev.cairn.core.Keys;
import dev.cairn.core.Secret;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Helpers for keys a workload receives from the attestation service. */
public final class ReleasedKeys {
  private ReleasedKeys() {}

  /** The public key of a released Ed25519 private key (PKCS#8). */
  public static PublicKey ed25519PublicOf(Secret pkcs8) throws GeneralSecurityException {
    byte[] der = pkcs8.bytes();
    try {
      byte[] seed =
          ASN1OctetString.getInstance(PrivateKeyInfo.getInstance(der).parsePrivateKey())
              .getOctets();
      byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
      Arrays.fill(seed, (byte) 0);
      return Keys.ed25519Public(pub);
    } catch (java.io.IOException | RuntimeException e) {
      throw new GeneralSecurityException("not an Ed25519 PKCS#8 key", e);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }
}
