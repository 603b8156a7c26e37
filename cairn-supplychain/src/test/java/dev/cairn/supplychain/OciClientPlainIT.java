package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.testing.LocalRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OCI client against Debian's docker-registry 2.8 over plain HTTP. */
class OciClientPlainIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @Test
  void plainHttp_pushPullAndReferrers_whenAllowed() throws Exception {
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    RoundTrip.run(oci, ImageRef.parse(REGISTRY.address() + "/cairn/plain:v1"));
  }

  @Test
  void plainHttp_refused_whenNotAllowed() throws Exception {
    OciClient oci = Registries.builder().build();
    assertThatThrownBy(() -> oci.headManifest(ImageRef.parse(REGISTRY.address() + "/a:b")))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("TLS with " + REGISTRY.address() + " failed")
        .satisfies(
            e ->
                assertThat(((RegistryException) e).hint())
                    .get()
                    .asString()
                    .contains("allow plain HTTP explicitly"));
  }
}
