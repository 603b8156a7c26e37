package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class CosignTest {
  static final String HEX = "b".repeat(64);

  @Test
  void simpleSigningPayload_isCosignsByteForByte() throws CairnException {
    ImageRef image = ImageRef.parse("127.0.0.1:5000/team/app:v1@sha256:" + HEX);
    assertThat(new String(Cosign.simpleSigningPayload(image), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/team/app\"},"
                + "\"image\":{\"docker-manifest-digest\":\"sha256:"
                + HEX
                + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
  }

  @Test
  void statement_namesTheImageDigestAsSubject() throws CairnException {
    ImageRef image = ImageRef.parse("127.0.0.1:5000/app@sha256:" + HEX);
    String st =
        new String(
            Cosign.statement(image, "https://slsa.dev/provenance/v1", java.util.Map.of()),
            StandardCharsets.UTF_8);
    assertThat(st)
        .isEqualTo(
            "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{},"
                + "\"predicateType\":\"https://slsa.dev/provenance/v1\",\"subject\":[{\"digest\":"
                + "{\"sha256\":\""
                + HEX
                + "\"},\"name\":\"127.0.0.1:5000/app\"}]}");
  }

  @Test
  void publicKeyPem_roundTrips_andBadPemIsAClearError() throws CairnException {
    KeyPair kp = CosignKeys.generate();
    String pem = CosignKeys.publicKeyPem(kp.getPublic());
    assertThat(pem)
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(CosignKeys.readPublicKey(pem)).isEqualTo(kp.getPublic());
    assertThat(CosignKeys.keyId(kp.getPublic()))
        .isEqualTo(Digest.sha256(kp.getPublic().getEncoded()));
    assertThatThrownBy(() -> CosignKeys.readPublicKey("hello"))
        .isInstanceOf(CairnException.class)
        .hasMessage("not a PEM public key (no -----BEGIN PUBLIC KEY----- block)");
    assertThatThrownBy(
            () ->
                CosignKeys.readPublicKey(
                    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
        .isInstanceOf(CairnException.class)
        .hasMessageStartingWith("not an ECDSA public key");
  }

  @Test
  void registryCredentials_neverPrint() {
    RegistryAuth a = RegistryAuth.basic("ci", Secret.ofUtf8("hunter2-very-secret"));
    assertThat(a.toString())
        .isEqualTo("Basic[username=ci, password=***]")
        .doesNotContain("hunter2");
    assertThat(new RegistryAuth.Token(Secret.ofUtf8("tok-123")).toString())
        .doesNotContain("tok-123");
    assertThatThrownBy(() -> RegistryAuth.basic("a:b", Secret.ofUtf8("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
