package dev.cairn.attest;

import dev.cairn.core.Secret;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * The ephemeral X25519 key a measured workload makes for one attestation: its public half goes into
 * the evidence's report data; the attestation service seals released secrets to it with HPKE (RFC
 * 9180: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode). The private half never
 * leaves the workload.
 */
public final class EnclaveKey {
  static final byte[] INFO = "cairn attestation secret release v1".getBytes(StandardCharsets.UTF_8);

  private final AsymmetricCipherKeyPair pair;

  private EnclaveKey(AsymmetricCipherKeyPair pair) {
    this.pair = pair;
  }

  static HPKE hpke() {
    return new HPKE(
        HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
  }

  public static EnclaveKey generate() {
    return new EnclaveKey(hpke().generatePrivateKey());
  }

  /** The raw 32-byte X25519 public key. */
  public byte[] publicKey() {
    return hpke().serializePublicKey(pair.getPublic());
  }

  /** Opens a secret sealed to this key; fails if it was sealed to another key or altered. */
  public Secret open(SealedSecret sealed) throws AttestationException {
    try {
      byte[] pt =
          hpke()
              .open(
                  sealed.enc(),
                  pair,
                  INFO,
                  sealed.name().getBytes(StandardCharsets.UTF_8),
                  sealed.ciphertext(),
                  null,
                  null,
                  null);
      Secret s = Secret.of(pt);
      java.util.Arrays.fill(pt, (byte) 0);
      return s;
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new AttestationException(
          "cannot open released secret '" + sealed.name() + "' (sealed to another key or altered)",
          null,
          e);
    }
  }

  /** Seals {@code secret} to {@code recipientPublicKey} (used by the attestation service). */
  static SealedSecret seal(String name, Secret secret, byte[] recipientPublicKey)
      throws AttestationException {
    HPKE h = hpke();
    byte[] pt = secret.bytes();
    try {
      byte[][] out =
          h.seal(
              h.deserializePublicKey(recipientPublicKey),
              INFO,
              name.getBytes(StandardCharsets.UTF_8),
              pt,
              null,
              null,
              null);
      return new SealedSecret(name, out[1], out[0]);
    } catch (InvalidCipherTextException | RuntimeException e) {
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
