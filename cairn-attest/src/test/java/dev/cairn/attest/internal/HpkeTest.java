package dev.cairn.attest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.HexFormat;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.junit.jupiter.api.Test;

class HpkeTest {
  private static final HexFormat HEX = HexFormat.of();

  // RFC 9180 appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode
  private static final byte[] INFO = HEX.parseHex("4f6465206f6e2061204772656369616e2055726e");
  private static final byte[] SK_E =
      HEX.parseHex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
  private static final byte[] PK_E =
      HEX.parseHex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
  private static final byte[] SK_R =
      HEX.parseHex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
  private static final byte[] PK_R =
      HEX.parseHex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
  private static final byte[] SHARED =
      HEX.parseHex("fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc");
  private static final byte[] PT =
      HEX.parseHex("4265617574792069732074727574682c20747275746820626561757479");
  private static final byte[] AAD = HEX.parseHex("436f756e742d30");
  private static final byte[] CT =
      HEX.parseHex(
          "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a");

  @Test
  void rfc9180KnownAnswer() throws Exception {
    KeyPair e = Hpke.keyPair(SK_E);
    KeyPair r = Hpke.keyPair(SK_R);
    assertThat(Hpke.raw(e.getPublic())).isEqualTo(PK_E);
    assertThat(Hpke.raw(r.getPublic())).isEqualTo(PK_R);
    assertThat(Hpke.sharedSecret(PK_E, r)).isEqualTo(SHARED);
    byte[][] sealed = Hpke.seal(PK_R, e, INFO, AAD, PT);
    assertThat(sealed[0]).isEqualTo(PK_E);
    assertThat(sealed[1]).isEqualTo(CT);
    assertThat(Hpke.open(PK_E, r, INFO, AAD, CT)).isEqualTo(PT);
  }

  @Test
  void interoperatesWithBouncyCastleBothWays() throws Exception {
    HPKE bc =
        new HPKE(
            HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
    byte[] info = "cairn".getBytes(StandardCharsets.UTF_8);
    byte[] aad = "certificate-key".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 20; i++) {
      byte[] pt = new byte[i * 7];
      new java.security.SecureRandom().nextBytes(pt);
      // Cairn seals, BouncyCastle opens
      AsymmetricCipherKeyPair bcRecipient = bc.generatePrivateKey();
      byte[][] ours = Hpke.seal(bc.serializePublicKey(bcRecipient.getPublic()), info, aad, pt);
      assertThat(bc.open(ours[0], bcRecipient, info, aad, ours[1], null, null, null)).isEqualTo(pt);
      // BouncyCastle seals, Cairn opens
      KeyPair recipient = Hpke.generate();
      byte[][] theirs =
          bc.seal(
              bc.deserializePublicKey(Hpke.raw(recipient.getPublic())),
              info,
              aad,
              pt,
              null,
              null,
              null);
      assertThat(Hpke.open(theirs[1], recipient, info, aad, theirs[0])).isEqualTo(pt);
    }
  }

  @Test
  void altered_wrongKey_wrongAad_allFail() throws Exception {
    KeyPair r = Hpke.generate();
    byte[][] s = Hpke.seal(Hpke.raw(r.getPublic()), INFO, AAD, PT);
    byte[] flipped = s[1].clone();
    flipped[3] ^= 1;
    assertThatThrownBy(() -> Hpke.open(s[0], r, INFO, AAD, flipped))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> Hpke.open(s[0], Hpke.generate(), INFO, AAD, s[1]))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> Hpke.open(s[0], r, INFO, new byte[] {1}, s[1]))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> Hpke.open(new byte[31], r, INFO, AAD, s[1]))
        .isInstanceOf(GeneralSecurityException.class);
    // a small-order point as the encapsulated key
    assertThatThrownBy(() -> Hpke.open(new byte[32], r, INFO, AAD, s[1]))
        .isInstanceOf(GeneralSecurityException.class);
  }
}
