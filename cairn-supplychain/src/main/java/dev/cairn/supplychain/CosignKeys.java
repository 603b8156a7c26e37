package dev.cairn.supplychain;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Signing keys as cosign uses them: ECDSA P-256, the public key as a PEM {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo), the file {@code cosign verify --key} reads.
 */
public final class CosignKeys {
  private CosignKeys() {}

  /** A fresh ECDSA P-256 key pair. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has P-256", e);
    }
  }

  /** The public key as PEM. */
  public static String publicKeyPem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /**
   * Reads a PEM {@code PUBLIC KEY} holding an ECDSA key.
   *
   * @throws CairnException when the text holds no such key
   */
  public static PublicKey readPublicKey(String pem) throws CairnException {
    String begin = "-----BEGIN PUBLIC KEY-----";
    String end = "-----END PUBLIC KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new CairnException(
          "not a PEM public key (no " + begin + " block)",
          "give the PEM public key cosign and Cairn print (cosign.pub)");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
      PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      if (!(k instanceof ECPublicKey)) {
        throw new GeneralSecurityException("not an EC key");
      }
      return k;
    } catch (IllegalArgumentException | GeneralSecurityException ex) {
      throw new CairnException(
          "not an ECDSA public key: " + ex.getMessage(),
          "give the PEM public key of an ECDSA P-256 key pair (cosign's kind)",
          ex);
    }
  }

  /**
   * The private key as PKCS#8 PEM ({@code PRIVATE KEY}), the form {@link #readPrivateKey} reads.
   */
  public static Secret privateKeyPem(PrivateKey key) {
    return Secret.ofUtf8(
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
  }

  /**
   * Reads a PKCS#8 PEM {@code PRIVATE KEY} holding an ECDSA key (as {@code openssl genpkey
   * -algorithm EC -pkeyopt ec_paramgen_curve:P-256} writes it).
   *
   * @throws CairnException when the secret holds no such key (its text is never shown)
   */
  public static PrivateKey readPrivateKey(Secret pem) throws CairnException {
    String text = new String(pem.bytes(), StandardCharsets.UTF_8);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = b < 0 ? -1 : text.indexOf(end, b);
    if (b < 0 || e < b) {
      throw new CairnException(
          "not a PKCS#8 PEM private key (no " + begin + " block)",
          "give an ECDSA P-256 key in PKCS#8 PEM (openssl pkcs8 -topk8 -nocrypt converts one)");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
      PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      if (!(k instanceof ECPrivateKey ec)
          || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new GeneralSecurityException("not a P-256 key");
      }
      return k;
    } catch (IllegalArgumentException | GeneralSecurityException ex) {
      throw new CairnException(
          "not an ECDSA private key",
          "give the PKCS#8 PEM private key of an ECDSA P-256 key pair (cosign's kind)");
    }
  }

  /** {@code sha256:<hex>} of the key's SubjectPublicKeyInfo: how Cairn names it in messages. */
  public static Digest keyId(PublicKey key) {
    return Digest.sha256(key.getEncoded());
  }
}
