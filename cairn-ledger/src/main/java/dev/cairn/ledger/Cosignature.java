package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Witness cosignatures of checkpoints, as C2SP tlog-cosignature specifies its Ed25519 type ({@code
 * cosignature/v1}): a note signature line {@code — <name> base64(key ID || timestamp ||
 * signature)}, where the key ID is {@code SHA-256(name || "\n" || 0x04 || public key)[:4]}, the
 * timestamp a big-endian u64 of POSIX seconds, and the signature an Ed25519 signature over {@code
 * "cosignature/v1\ntime <timestamp>\n"} followed by the checkpoint's note text. A cosignature says
 * that, as of its time, the checkpoint is the largest consistent tree head its witness has seen of
 * the log.
 *
 * <p>Its verifier key is {@code name+hex(key ID)+base64(0x04 || public key)}. Because its key ID
 * differs from a note signature's (0x01), a verifier of the log's own signature (such as
 * golang.org/x/mod/sumdb/note) ignores cosignature lines as unknown signatures.
 */
public final class Cosignature {
  /** The signature type byte of Ed25519 cosignatures. */
  static final byte ALG_COSIGNATURE_V1 = 0x04;

  private static final int LENGTH = 4 + 8 + 64;

  private Cosignature() {}

  /** The 4-byte key ID of a witness key. */
  public static byte[] keyId(String name, byte[] rawPublicKey) {
    MessageDigest md = Digest.newSha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ALG_COSIGNATURE_V1);
    md.update(rawPublicKey);
    return Arrays.copyOf(md.digest(), 4);
  }

  /** {@code name+hex(key ID)+base64(0x04 || key)}, the witness's verifier key. */
  public static String verifierKey(String name, byte[] rawPublicKey) {
    byte[] k =
        ByteBuffer.allocate(1 + rawPublicKey.length)
            .put(ALG_COSIGNATURE_V1)
            .put(rawPublicKey)
            .array();
    return name
        + "+"
        + HexFormat.of().formatHex(keyId(name, rawPublicKey))
        + "+"
        + Base64.getEncoder().encodeToString(k);
  }

  /** The verifier key of {@code witness}'s cosignatures. */
  public static String verifierKey(NoteSigner witness) {
    return verifierKey(witness.name(), witness.publicKey());
  }

  /**
   * A witness's verifier key, parsed.
   *
   * @param name the witness's name
   * @param publicKey the raw Ed25519 key
   */
  public record Key(String name, byte[] publicKey) {
    public Key {
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    /** {@code name+hash}, how messages name it. */
    public String describe() {
      return name + "+" + HexFormat.of().formatHex(keyId(name, publicKey));
    }

    /**
     * Parses {@code name+hash+base64(0x04 || key)}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Key parse(String verifierKey) {
      String[] vk = verifierKey.split("\\+", 3);
      if (vk.length != 3 || vk[0].isEmpty()) {
        throw new IllegalArgumentException(
            "not a witness verifier key (want name+hash+key): " + verifierKey);
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(vk[2]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("witness verifier key " + vk[0] + ": key is not base64");
      }
      if (key.length != 33 || key[0] != ALG_COSIGNATURE_V1) {
        throw new IllegalArgumentException(
            "witness verifier key "
                + vk[0]
                + " is not an Ed25519 cosignature/v1 key (type 0x04 and 32 bytes)");
      }
      byte[] raw = Arrays.copyOfRange(key, 1, 33);
      if (!HexFormat.of().formatHex(keyId(vk[0], raw)).equals(vk[1])) {
        throw new IllegalArgumentException(
            "witness verifier key " + vk[0] + ": the hash does not match its name and key");
      }
      return new Key(vk[0], raw);
    }

    @Override
    public boolean equals(@org.jspecify.annotations.Nullable Object o) {
      return o instanceof Key k && name.equals(k.name) && Arrays.equals(publicKey, k.publicKey);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
      return "Cosignature.Key[" + describe() + "]";
    }
  }

  /** What is signed: {@code cosignature/v1\ntime <t>\n} and the note text. */
  static byte[] message(String noteText, long time) {
    return ("cosignature/v1\ntime " + time + "\n" + noteText).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code witness}'s cosignature line (with its final newline) on the note whose text (the body,
   * with its final newline, without signatures) is {@code noteText}, at {@code time} (whole
   * seconds).
   */
  public static String sign(NoteSigner witness, String noteText, Instant time) {
    if (!noteText.endsWith("\n") || noteText.contains("\n\n")) {
      throw new IllegalArgumentException("a note text ends with one newline and has no blank line");
    }
    long t = time.getEpochSecond();
    if (t < 0) {
      throw new IllegalArgumentException("a cosignature's time is after 1970");
    }
    byte[] sig = witness.signBytes(message(noteText, t));
    byte[] line =
        ByteBuffer.allocate(LENGTH)
            .put(keyId(witness.name(), witness.publicKey()))
            .putLong(t)
            .put(sig)
            .array();
    return "\u2014 " + witness.name() + " " + Base64.getEncoder().encodeToString(line) + "\n";
  }

  /** The note text (body with its final newline) of a signed note. */
  static String text(String note) throws LedgerException {
    int sep = note.indexOf("\n\n");
    if (sep < 0 || !note.endsWith("\n")) {
      throw new LedgerException("not a signed note", null);
    }
    return note.substring(0, sep + 1);
  }

  /**
   * The time of {@code witness}'s valid cosignature on {@code note}, or empty if it has none (no
   * line with the witness's name and key ID).
   *
   * @throws LedgerException if it has such a line whose signature does not verify (a forged or
   *     altered checkpoint), or the note is not a signed note
   */
  public static Optional<Instant> verify(String note, Key witness) throws LedgerException {
    String text = text(note);
    byte[] id = keyId(witness.name(), witness.publicKey());
    String prefix = "\u2014 " + witness.name() + " ";
    boolean bad = false;
    for (String line : note.substring(text.length() + 1).split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(line.substring(prefix.length()));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (sig.length != LENGTH || !Arrays.equals(Arrays.copyOf(sig, 4), id)) {
        continue;
      }
      long t = ByteBuffer.wrap(sig, 4, 8).getLong();
      if (t >= 0
          && NoteSigner.verifyBytes(
              witness.publicKey(), message(text, t), Arrays.copyOfRange(sig, 12, LENGTH))) {
        return Optional.of(Instant.ofEpochSecond(t));
      }
      bad = true;
    }
    if (bad) {
      throw new LedgerException(
          "the cosignature by witness "
              + witness.describe()
              + " is invalid (forged or altered checkpoint)",
          null);
    }
    return Optional.empty();
  }
}
