package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 signed notes as in C2SP signed-note (and golang.org/x/mod/sumdb/note): a key is named;
 * its id is the first 4 bytes of {@code SHA-256(name || "\n" || 0x01 || public key)}; a signature
 * line is {@code "— " name " " base64(id || signature)}. The verifier key string is {@code
 * name+hex(id)+base64(0x01 || public key)}.
 */
public final class NoteSigner {
  private static final byte ALG_ED25519 = 1;
  private static final int X509_PREFIX = 12; // SubjectPublicKeyInfo header of an Ed25519 key

  private final String name;
  private final PrivateKey privateKey;
  private final byte[] publicKey;

  private NoteSigner(String name, PrivateKey privateKey, byte[] publicKey) {
    if (name.isEmpty() || name.contains("+") || name.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("note key names have no spaces or '+': " + name);
    }
    this.name = name;
    this.privateKey = privateKey;
    this.publicKey = publicKey.clone();
  }

  /** A new random key. */
  public static NoteSigner generate(String name) {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new NoteSigner(name, kp.getPrivate(), raw(kp.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 15+ has Ed25519", e);
    }
  }

  /** From a PKCS#8 private key and its raw 32-byte public key. */
  public static NoteSigner of(String name, byte[] pkcs8, byte[] rawPublicKey)
      throws GeneralSecurityException {
    PrivateKey k =
        KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    return new NoteSigner(name, k, rawPublicKey);
  }

  public byte[] pkcs8() {
    return privateKey.getEncoded();
  }

  public String name() {
    return name;
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  static byte[] raw(PublicKey k) {
    byte[] enc = k.getEncoded();
    return Arrays.copyOfRange(enc, X509_PREFIX, enc.length);
  }

  /** The 4-byte key id. */
  public static byte[] keyId(String name, byte[] rawPublicKey) {
    MessageDigest md = Digest.newSha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ALG_ED25519);
    md.update(rawPublicKey);
    return Arrays.copyOf(md.digest(), 4);
  }

  /** {@code name+hex(id)+base64(0x01 || key)}, the verifier key string. */
  public String verifierKey() {
    return verifierKey(name, publicKey);
  }

  public static String verifierKey(String name, byte[] rawPublicKey) {
    byte[] k =
        ByteBuffer.allocate(1 + rawPublicKey.length).put(ALG_ED25519).put(rawPublicKey).array();
    return name
        + "+"
        + HexFormat.of().formatHex(keyId(name, rawPublicKey))
        + "+"
        + Base64.getEncoder().encodeToString(k);
  }

  /**
   * An Ed25519 signature over {@code message} (for cosignatures, whose message is not the text).
   */
  byte[] signBytes(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** Whether {@code signature} is {@code rawPublicKey}'s Ed25519 signature over {@code message}. */
  static boolean verifyBytes(byte[] rawPublicKey, byte[] message, byte[] signature)
      throws LedgerException {
    try {
      PublicKey pk =
          KeyFactory.getInstance("Ed25519")
              .generatePublic(new X509EncodedKeySpec(x509(rawPublicKey)));
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(pk);
      s.update(message);
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new LedgerException("cannot check a note signature: " + e.getMessage(), null, e);
    }
  }

  /** Signs {@code text} (which must end with a newline) and returns the whole signed note. */
  public String sign(String text) {
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("note text must end with a newline");
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(text.getBytes(StandardCharsets.UTF_8));
      byte[] sig = s.sign();
      byte[] line =
          ByteBuffer.allocate(4 + sig.length).put(keyId(name, publicKey)).put(sig).array();
      return text + "\n\u2014 " + name + " " + Base64.getEncoder().encodeToString(line) + "\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /**
   * Verifies that {@code note} carries a valid signature by the key {@code verifierKey} and returns
   * the note text; throws naming what is wrong otherwise.
   */
  public static String verify(String note, String verifierKey) throws LedgerException {
    String[] vk = verifierKey.split("\\+", 3);
    if (vk.length != 3) {
      throw new LedgerException("malformed verifier key (want name+hash+key)", null);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(vk[2]);
    } catch (IllegalArgumentException e) {
      throw new LedgerException("malformed verifier key (key is not base64)", null);
    }
    if (key.length != 33 || key[0] != ALG_ED25519) {
      throw new LedgerException("verifier key is not an Ed25519 note key", null);
    }
    byte[] raw = Arrays.copyOfRange(key, 1, 33);
    byte[] id = keyId(vk[0], raw);
    if (!HexFormat.of().formatHex(id).equals(vk[1])) {
      throw new LedgerException("verifier key hash does not match its name and key", null);
    }
    int sep = note.lastIndexOf("\n\n");
    if (sep < 0 || !note.endsWith("\n")) {
      throw new LedgerException("not a signed note", null);
    }
    String text = note.substring(0, sep + 1);
    for (String line : note.substring(sep + 2).split("\n")) {
      String prefix = "\u2014 " + vk[0] + " ";
      if (!line.startsWith(prefix)) {
        continue;
      }
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(line.substring(prefix.length()));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (sig.length != 68 || !Arrays.equals(Arrays.copyOf(sig, 4), id)) {
        continue;
      }
      try {
        PublicKey pk =
            KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509(raw)));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(pk);
        s.update(text.getBytes(StandardCharsets.UTF_8));
        if (s.verify(Arrays.copyOfRange(sig, 4, 68))) {
          return text;
        }
      } catch (GeneralSecurityException e) {
        throw new LedgerException("cannot check the note signature: " + e.getMessage(), null, e);
      }
      throw new LedgerException(
          "checkpoint signature by " + vk[0] + " is invalid (forged or altered checkpoint)", null);
    }
    throw new LedgerException(
        "checkpoint is not signed by the log key " + vk[0] + "+" + vk[1], null);
  }

  private static byte[] x509(byte[] raw) {
    byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
    return ByteBuffer.allocate(prefix.length + raw.length).put(prefix).put(raw).array();
  }

  @Override
  public String toString() {
    return "NoteSigner[" + verifierKey() + "]";
  }
}
