package dev.cairn.attest.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;

/**
 * ECDSA P-256 keys (cosign's kind, the attested builder's): the private half as PKCS#8 DER, the
 * public half as SubjectPublicKeyInfo DER. The JDK generates and signs; BouncyCastle only derives
 * the public point of a supplied private key, which the JDK cannot.
 */
public final class P256 {
  private static final BigInteger ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private P256() {}

  /** A fresh key pair. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has P-256", e);
    }
  }

  /**
   * The SubjectPublicKeyInfo DER of the PKCS#8 DER private key {@code pkcs8}.
   *
   * @throws GeneralSecurityException when it is no P-256 private key (its bytes are never shown)
   */
  public static byte[] publicKeyOf(byte[] pkcs8) throws GeneralSecurityException {
    ECPrivateKey k = privateKey(pkcs8);
    X9ECParameters curve = SECNamedCurves.getByName("secp256r1");
    org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(k.getS()).normalize();
    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    ECPublicKey pub =
        (ECPublicKey)
            KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, k.getParams()));
    return pub.getEncoded();
  }

  /** Reads a PKCS#8 DER P-256 private key; any other key fails. */
  public static ECPrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
    java.security.PrivateKey k;
    try {
      k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | RuntimeException e) {
      // the message of a parser can quote what it read: say nothing of it
      throw new GeneralSecurityException("not a PKCS#8 EC private key");
    }
    if (!(k instanceof ECPrivateKey ec) || !ec.getParams().getOrder().equals(ORDER)) {
      throw new GeneralSecurityException("not an ECDSA P-256 key");
    }
    return ec;
  }
}
