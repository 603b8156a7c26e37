package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** C2SP tlog-cosignature's Ed25519 type, as Cairn writes and reads it. */
class CosignatureTest {
  static final NoteSigner LOG = Fixtures.noteSigner("cairn-test-log", "log key 1");
  static final NoteSigner W1 = Fixtures.noteSigner("witness.example/w1", "witness key 1");
  static final NoteSigner W2 = Fixtures.noteSigner("witness.example/w2", "witness key 2");
  static final Instant AT = Instant.parse("2026-05-04T10:00:00Z");

  static final String TEXT =
      "cairn.local/log/e9fb3f88\n3\nWAwDTVVUZX6l015rw0CEbYexZAdC8kdqdui82BVI0NE=\n";

  @Test
  void line_isNameAndBase64OfKeyIdTimestampAndSignature_overTheV1Message() throws Exception {
    String line = Cosignature.sign(W1, TEXT, AT);
    assertThat(line).startsWith("\u2014 witness.example/w1 ").endsWith("\n");
    byte[] raw = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1).strip());
    assertThat(raw).hasSize(4 + 8 + 64);
    // key ID: SHA-256(name || "\n" || 0x04 || key)[:4], not the note signature's 0x01
    assertThat(java.util.Arrays.copyOf(raw, 4))
        .isEqualTo(Cosignature.keyId(W1.name(), W1.publicKey()))
        .isNotEqualTo(NoteSigner.keyId(W1.name(), W1.publicKey()));
    assertThat(ByteBuffer.wrap(raw, 4, 8).getLong()).isEqualTo(AT.getEpochSecond());
    byte[] message =
        ("cosignature/v1\ntime " + AT.getEpochSecond() + "\n" + TEXT)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(
            NoteSigner.verifyBytes(
                W1.publicKey(), message, java.util.Arrays.copyOfRange(raw, 12, 76)))
        .isTrue();
    // the verifier key: name+hex(id)+base64(0x04 || key)
    String vk = Cosignature.verifierKey(W1);
    assertThat(vk)
        .startsWith(
            "witness.example/w1+"
                + HexFormat.of().formatHex(java.util.Arrays.copyOf(raw, 4))
                + "+");
    assertThat(Base64.getDecoder().decode(vk.split("\\+")[2])[0]).isEqualTo((byte) 4);
  }

  @Test
  void verify_findsTheWitnessesCosignature_andTheLogsSignatureStillVerifies() throws Exception {
    String note = LOG.sign(TEXT) + Cosignature.sign(W1, TEXT, AT);
    assertThat(Cosignature.verify(note, Cosignature.Key.parse(Cosignature.verifierKey(W1))))
        .hasValue(AT);
    assertThat(Cosignature.verify(note, Cosignature.Key.parse(Cosignature.verifierKey(W2))))
        .isEmpty();
    // cosignature lines are unknown signatures to a note verifier of the log's key
    assertThat(NoteSigner.verify(note, LOG.verifierKey())).isEqualTo(TEXT);
    // and the log's signature is not a cosignature by a witness of the same name and key
    NoteSigner sameKey = Fixtures.noteSigner("cairn-test-log", "log key 1");
    assertThat(
            Cosignature.verify(
                LOG.sign(TEXT), Cosignature.Key.parse(Cosignature.verifierKey(sameKey))))
        .isEmpty();
  }

  @Test
  void verify_refusesAnAlteredCheckpoint() throws Exception {
    String note = LOG.sign(TEXT) + Cosignature.sign(W1, TEXT, AT);
    String altered = note.replaceFirst("\n3\n", "\n4\n");
    assertThatThrownBy(
            () -> Cosignature.verify(altered, Cosignature.Key.parse(Cosignature.verifierKey(W1))))
        .isInstanceOf(LedgerException.class)
        .hasMessage(
            "the cosignature by witness "
                + Cosignature.Key.parse(Cosignature.verifierKey(W1)).describe()
                + " is invalid (forged or altered checkpoint)");
    // a changed timestamp breaks the signature too
    String line = Cosignature.sign(W1, TEXT, AT);
    byte[] raw = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1).strip());
    ByteBuffer.wrap(raw).putLong(4, AT.getEpochSecond() + 1);
    String retimed =
        LOG.sign(TEXT)
            + "\u2014 witness.example/w1 "
            + Base64.getEncoder().encodeToString(raw)
            + "\n";
    assertThatThrownBy(
            () -> Cosignature.verify(retimed, Cosignature.Key.parse(Cosignature.verifierKey(W1))))
        .hasMessageContaining("is invalid");
  }

  @Test
  void keyParse_refusesANoteKeyAndAWrongHash() {
    assertThatThrownBy(() -> Cosignature.Key.parse(LOG.verifierKey()))
        .hasMessage(
            "witness verifier key cairn-test-log is not an Ed25519 cosignature/v1 key (type 0x04"
                + " and 32 bytes)");
    String vk = Cosignature.verifierKey(W1);
    String wrongHash = vk.replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+");
    assertThatThrownBy(() -> Cosignature.Key.parse(wrongHash))
        .hasMessage(
            "witness verifier key witness.example/w1: the hash does not match its name and key");
  }
}
