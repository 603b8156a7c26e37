package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import dev.cairn.testing.LocalRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OCI client against Debian's docker-registry 2.8 over TLS and bearer tokens from a token
 * service.
 */
class OciClientTokenIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.tlsToken();

  @Test
  void bearerTokenFromTheChallengeRealm_pushPullAndReferrers() throws Exception {
    OciClient oci =
        Registries.builder()
            .caCertificate(REGISTRY.address(), REGISTRY.caCertificate())
            .auth(
                REGISTRY.address(),
                RegistryAuth.basic(REGISTRY.username(), Secret.ofUtf8(REGISTRY.password())))
            .build();
    RoundTrip.run(oci, ImageRef.parse(REGISTRY.address() + "/cairn/token:v1"));
    assertThat(REGISTRY.tokensIssued()).isGreaterThan(0);
  }

  @Test
  void wrongPassword_tokenServiceRefuses_withoutThePassword() throws Exception {
    String wrong = "wrong-" + REGISTRY.password();
    OciClient oci =
        Registries.builder()
            .caCertificate(REGISTRY.address(), REGISTRY.caCertificate())
            .auth(REGISTRY.address(), RegistryAuth.basic(REGISTRY.username(), Secret.ofUtf8(wrong)))
            .build();
    assertThatThrownBy(
            () -> oci.getManifest(ImageRef.parse(REGISTRY.address() + "/cairn/token:v1")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("of registry " + REGISTRY.address() + " refused to get a token")
        .hasMessageContaining("HTTP 401")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(wrong));
  }
}
