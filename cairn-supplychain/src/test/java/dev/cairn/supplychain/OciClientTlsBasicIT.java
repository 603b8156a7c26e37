package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import dev.cairn.testing.LocalRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OCI client against Debian's docker-registry 2.8 over TLS with a private CA and bcrypt basic
 * auth.
 */
class OciClientTlsBasicIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.tlsBasic();

  OciClient client(String password) {
    return Registries.builder()
        .caCertificate(REGISTRY.address(), REGISTRY.caCertificate())
        .auth(REGISTRY.address(), RegistryAuth.basic(REGISTRY.username(), Secret.ofUtf8(password)))
        .build();
  }

  @Test
  void tlsWithCustomCaAndBasicAuth_pushPullAndReferrers() throws Exception {
    RoundTrip.run(
        client(REGISTRY.password()), ImageRef.parse(REGISTRY.address() + "/cairn/tls:v1"));
  }

  @Test
  void wrongPassword_isAClear401_withoutThePassword() throws Exception {
    String wrong = "not-the-password-" + REGISTRY.password().substring(3);
    ImageRef ref = ImageRef.parse(REGISTRY.address() + "/cairn/tls:v1");
    assertThatThrownBy(() -> client(wrong).headManifest(ref))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "registry "
                + REGISTRY.address()
                + " refused to check manifest v1 of cairn/tls:"
                + " HTTP 401 Unauthorized")
        .satisfies(
            e -> {
              RegistryException re = (RegistryException) e;
              assertThat(re.status()).isEqualTo(401);
              assertThat(re.hint()).get().asString().contains("check the username and password");
              assertThat(re.toString()).doesNotContain(wrong).doesNotContain(REGISTRY.password());
            });
  }

  @Test
  void noCredentials_isA401_thatAsksForThem() throws Exception {
    OciClient oci =
        Registries.builder().caCertificate(REGISTRY.address(), REGISTRY.caCertificate()).build();
    assertThatThrownBy(
            () -> oci.pushBlob(ImageRef.parse(REGISTRY.address() + "/x/y"), "a/b", new byte[] {1}))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("HTTP 401")
        .satisfies(
            e ->
                assertThat(((RegistryException) e).hint())
                    .get()
                    .asString()
                    .startsWith("give credentials"));
  }

  @Test
  void untrustedCertificate_isATlsError_withAHint() throws Exception {
    OciClient oci =
        Registries.builder()
            .auth(
                REGISTRY.address(),
                RegistryAuth.basic(REGISTRY.username(), Secret.ofUtf8(REGISTRY.password())))
            .build();
    assertThatThrownBy(() -> oci.headManifest(ImageRef.parse(REGISTRY.address() + "/a:b")))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith(
            "TLS with " + REGISTRY.address() + " failed while trying to check manifest b of a")
        .satisfies(
            e ->
                assertThat(((RegistryException) e).hint())
                    .get()
                    .asString()
                    .startsWith("give the registry's CA certificate"));
  }
}
