package dev.cairn.core;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** Ed25519 keys as Cairn stores and names them. */
public final class Keys {
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private Keys() {}

  public static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 15+ has Ed25519", e);
    }
  }

  /** The raw 32-byte public key. */
  public static byte[] raw(PublicKey k) {
    byte[] enc = k.getEncoded();
    return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
  }

  public static PublicKey ed25519Public(byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, not " + raw.length);
    }
    byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
    System.arraycopy(raw, 0, der, X509_PREFIX.length, 32);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  public static PrivateKey ed25519Private(Secret pkcs8) throws GeneralSecurityException {
    byte[] b = pkcs8.bytes();
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(b));
    } finally {
      Arrays.fill(b, (byte) 0);
    }
  }

  /** {@code sha256:<hex>} of the raw public key: how Cairn names keys. */
  public static String keyId(PublicKey k) {
    return Digest.sha256(raw(k)).toString();
  }

  public static byte[] signEd25519(PrivateKey key, byte[] message) throws GeneralSecurityException {
    java.security.Signature s = java.security.Signature.getInstance("Ed25519");
    s.initSign(key);
    s.update(message);
    return s.sign();
  }

  public static boolean verifyEd25519(PublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    java.security.Signature s = java.security.Signature.getInstance("Ed25519");
    s.initVerify(key);
    s.update(message);
    return s.verify(signature);
  }
}
