package dev.cairn.attest;

import dev.cairn.attest.internal.Hpke;
import dev.cairn.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;

/**
 * The ephemeral X25519 key a measured workload makes for one attestation: its public half goes into
 * the evidence's report data; the attestation service seals released secrets to it with HPKE (RFC
 * 9180: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode; the secret's name is the
 * associated data). The private half never leaves the workload.
 */
public final class EnclaveKey {
  static final byte[] INFO = "cairn attestation secret release v1".getBytes(StandardCharsets.UTF_8);

  private final KeyPair pair;

  private EnclaveKey(KeyPair pair) {
    this.pair = pair;
  }

  public static EnclaveKey generate() {
    try {
      return new EnclaveKey(Hpke.generate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make X25519 keys", e);
    }
  }

  /** The raw 32-byte X25519 public key. */
  public byte[] publicKey() {
    return Hpke.raw(pair.getPublic());
  }

  /** Opens a secret sealed to this key; fails if it was sealed to another key or altered. */
  public Secret open(SealedSecret sealed) throws AttestationException {
    try {
      byte[] pt =
          Hpke.open(
              sealed.enc(),
              pair,
              INFO,
              sealed.name().getBytes(StandardCharsets.UTF_8),
              sealed.ciphertext());
      Secret s = Secret.of(pt);
      java.util.Arrays.fill(pt, (byte) 0);
      return s;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new AttestationException(
          "cannot open released secret '" + sealed.name() + "' (sealed to another key or altered)",
          null,
          e);
    }
  }

  /** Seals {@code secret} to {@code recipientPublicKey} (used by the attestation service). */
  static SealedSecret seal(String name, Secret secret, byte[] recipientPublicKey)
      throws AttestationException {
    byte[] pt = secret.bytes();
    try {
      byte[][] out = Hpke.seal(recipientPublicKey, INFO, name.getBytes(StandardCharsets.UTF_8), pt);
      return new SealedSecret(name, out[0], out[1]);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new AttestationException(
          "cannot seal secret '" + name + "' to the workload key", null, e);
    } finally {
      java.util.Arrays.fill(pt, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "EnclaveKey[X25519, private part hidden]";
  }
}
