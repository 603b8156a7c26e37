package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class DsseTest {
  @Test
  void pae_matchesTheSpecExample() {
    // the DSSE protocol's own example
    assertThat(
            new String(
                Dsse.pae(
                    "http://example.com/HelloWorld",
                    "hello world".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  }

  @Test
  void signVerify_roundTripsThroughJson_andFailsClosed() throws Exception {
    KeyPair kp = Keys.ed25519();
    Dsse.Envelope e =
        Dsse.sign(
            Dsse.IN_TOTO_PAYLOAD_TYPE,
            "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
            kp.getPrivate(),
            Keys.keyId(kp.getPublic()));
    Dsse.Envelope back = Dsse.parse(e.toJson());
    assertThat(Dsse.verify(back, kp.getPublic())).isTrue();
    assertThat(back.digest()).isEqualTo(e.digest());
    assertThat(Dsse.verify(back, Keys.ed25519().getPublic())).isFalse();
    Dsse.Envelope tampered =
        new Dsse.Envelope(
            back.payloadType(), "{\"a\":2}".getBytes(StandardCharsets.UTF_8), back.signatures());
    assertThat(Dsse.verify(tampered, kp.getPublic())).isFalse();
    Dsse.Envelope retyped = new Dsse.Envelope("text/plain", back.payload(), back.signatures());
    assertThat(Dsse.verify(retyped, kp.getPublic())).isFalse();
    assertThatThrownBy(() -> Dsse.parse("{\"payload\": 3}"))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("not a DSSE envelope");
  }

  @Test
  void parse_twoPayloads_isNoEnvelope() throws Exception {
    KeyPair kp = Keys.ed25519();
    String json =
        Dsse.sign(
                Dsse.IN_TOTO_PAYLOAD_TYPE,
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                kp.getPrivate(),
                Keys.keyId(kp.getPublic()))
            .toJson();
    String twice = json.replaceFirst("\\{", "{\"payload\":\"eyJhIjoyfQ==\",");

    assertThatThrownBy(() -> Dsse.parse(twice))
        .isInstanceOf(CairnException.class)
        .hasMessageStartingWith("not a DSSE envelope: Duplicate field 'payload' at line 1, column ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void secret_neverPrints() {
    Secret s = Secret.ofUtf8("hunter2");
    assertThat(s.toString()).isEqualTo("***");
    assertThat(String.valueOf(java.util.List.of(s))).doesNotContain("hunter2");
  }

  @Test
  void ecdsaKeys_signAndVerify_andAnotherKeyFails() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    KeyPair ec = g.generateKeyPair();
    byte[] body =
        "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8);
    Dsse.Envelope e = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, body, ec.getPrivate(), "");
    assertThat(Dsse.verify(e, ec.getPublic())).isTrue();
    assertThat(Dsse.verify(Dsse.parse(e.toJson()), ec.getPublic())).isTrue();
    assertThat(Dsse.verify(e, g.generateKeyPair().getPublic())).isFalse();
    assertThat(Dsse.verify(e, Keys.ed25519().getPublic())).isFalse();
  }
}
