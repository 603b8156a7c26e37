package dev.cairn.attest.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * HPKE (RFC 9180) in base mode with one suite, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
 * AES-128-GCM, single-shot (sequence number 0), on the JDK's own primitives (XDH, HMAC-SHA256,
 * AES/GCM). Known-answer tested against RFC 9180 appendix A.1.1 and cross-checked against
 * BouncyCastle's implementation; it exists so that a measured workload needs no third-party crypto
 * jar to receive its secrets (BouncyCastle's signed jar costs a third of a second to load).
 */
public final class Hpke {
  private static final int KEM_ID = 0x0020;
  private static final int KDF_ID = 0x0001;
  private static final int AEAD_ID = 0x0001;
  private static final int NH = 32;
  private static final int NK = 16;
  private static final int NN = 12;
  private static final byte[] V1 = ascii("HPKE-v1");
  private static final byte[] KEM_SUITE = {'K', 'E', 'M', 0, KEM_ID};
  private static final byte[] HPKE_SUITE = {'H', 'P', 'K', 'E', 0, KEM_ID, 0, KDF_ID, 0, AEAD_ID};
  private static final byte[] BASE_POINT = new byte[32];

  static {
    BASE_POINT[0] = 9;
  }

  private Hpke() {}

  /** A fresh X25519 key pair. */
  public static KeyPair generate() throws GeneralSecurityException {
    return KeyPairGenerator.getInstance("X25519").generateKeyPair();
  }

  /** The key pair of a raw 32-byte X25519 private key (RFC 7748 encoding). */
  public static KeyPair keyPair(byte[] rawPrivate) throws GeneralSecurityException {
    PrivateKey sk =
        KeyFactory.getInstance("XDH")
            .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, rawPrivate.clone()));
    return new KeyPair(publicKey(dh(sk, BASE_POINT)), sk);
  }

  /** A public key from its raw 32-byte u-coordinate (little-endian, RFC 7748). */
  public static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw new GeneralSecurityException("an X25519 public key has 32 bytes, not " + raw.length);
    }
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = raw[31 - i];
    }
    be[0] &= 0x7f;
    return KeyFactory.getInstance("XDH")
        .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
  }

  /** The raw 32-byte encoding of an X25519 public key. */
  public static byte[] raw(PublicKey key) {
    byte[] be = ((XECPublicKey) key).getU().toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < Math.min(32, be.length); i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

  /** Seals {@code pt} to {@code recipient}: returns {enc, ciphertext}. */
  public static byte[][] seal(byte[] recipient, byte[] info, byte[] aad, byte[] pt)
      throws GeneralSecurityException {
    return seal(recipient, generate(), info, aad, pt);
  }

  /** Seals with a given ephemeral key pair (for known-answer tests only). */
  static byte[][] seal(byte[] recipient, KeyPair ephemeral, byte[] info, byte[] aad, byte[] pt)
      throws GeneralSecurityException {
    byte[] enc = raw(ephemeral.getPublic());
    byte[] dh = dh(ephemeral.getPrivate(), recipient);
    byte[] shared = extractAndExpand(dh, concat(enc, recipient));
    Arrays.fill(dh, (byte) 0);
    byte[] ct = aead(Cipher.ENCRYPT_MODE, shared, info, aad, pt);
    return new byte[][] {enc, ct};
  }

  /**
   * Opens a ciphertext sealed to {@code recipient}; fails if it was altered or sealed to another.
   */
  public static byte[] open(byte[] enc, KeyPair recipient, byte[] info, byte[] aad, byte[] ct)
      throws GeneralSecurityException {
    if (enc.length != 32) {
      throw new GeneralSecurityException("an X25519 encapsulated key has 32 bytes");
    }
    byte[] dh = dh(recipient.getPrivate(), enc);
    byte[] shared = extractAndExpand(dh, concat(enc, raw(recipient.getPublic())));
    Arrays.fill(dh, (byte) 0);
    return aead(Cipher.DECRYPT_MODE, shared, info, aad, ct);
  }

  /** The DHKEM shared secret (exposed for known-answer tests). */
  static byte[] sharedSecret(byte[] enc, KeyPair recipient) throws GeneralSecurityException {
    return extractAndExpand(
        dh(recipient.getPrivate(), enc), concat(enc, raw(recipient.getPublic())));
  }

  private static byte[] aead(int mode, byte[] shared, byte[] info, byte[] aad, byte[] in)
      throws GeneralSecurityException {
    // key schedule, base mode: empty psk and psk_id
    byte[] pskIdHash = labeledExtract(HPKE_SUITE, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(HPKE_SUITE, new byte[0], "info_hash", info);
    byte[] context = concat(new byte[] {0}, pskIdHash, infoHash);
    byte[] secret = labeledExtract(HPKE_SUITE, shared, "secret", new byte[0]);
    Arrays.fill(shared, (byte) 0);
    byte[] key = labeledExpand(HPKE_SUITE, secret, "key", context, NK);
    byte[] nonce = labeledExpand(HPKE_SUITE, secret, "base_nonce", context, NN);
    Arrays.fill(secret, (byte) 0);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      return c.doFinal(in);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static byte[] extractAndExpand(byte[] dh, byte[] kemContext)
      throws GeneralSecurityException {
    byte[] prk = labeledExtract(KEM_SUITE, new byte[0], "eae_prk", dh);
    byte[] out = labeledExpand(KEM_SUITE, prk, "shared_secret", kemContext, NH);
    Arrays.fill(prk, (byte) 0);
    return out;
  }

  private static byte[] dh(PrivateKey sk, byte[] peer) throws GeneralSecurityException {
    KeyAgreement ka = KeyAgreement.getInstance("X25519");
    ka.init(sk);
    ka.doPhase(publicKey(peer), true);
    return ka.generateSecret(); // the JDK rejects an all-zero result (small-order point)
  }

  private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm)
      throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    // HMAC pads its key with zeros, so an empty salt is a key of Nh zero bytes (RFC 5869 2.2)
    mac.init(new SecretKeySpec(salt.length == 0 ? new byte[NH] : salt, "HmacSHA256"));
    mac.update(V1);
    mac.update(suite);
    mac.update(ascii(label));
    return mac.doFinal(ikm);
  }

  private static byte[] labeledExpand(
      byte[] suite, byte[] prk, String label, byte[] info, int length)
      throws GeneralSecurityException {
    byte[] labeled =
        concat(new byte[] {(byte) (length >>> 8), (byte) length}, V1, suite, ascii(label), info);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int i = 1, off = 0; off < length; i++) {
      mac.update(t);
      mac.update(labeled);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - off);
      System.arraycopy(t, 0, out, off, n);
      off += n;
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
