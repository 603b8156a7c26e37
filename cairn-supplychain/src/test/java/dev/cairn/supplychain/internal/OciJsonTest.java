package dev.cairn.supplychain.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciJsonTest {
  @Test
  void manifestWithSubject_roundTrips_andShowsItsArtifactType() throws Exception {
    Descriptor cfg = new Descriptor(MediaTypes.OCI_EMPTY, Digest.sha256("{}"), 2);
    Descriptor layer =
        new Descriptor(
            MediaTypes.DSSE_ENVELOPE, Digest.sha256("e"), 1, null, Map.of("predicateType", "x"));
    Descriptor subject = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256("img"), 300);
    OciJson.ImageManifest m =
        new OciJson.ImageManifest(
            MediaTypes.OCI_MANIFEST, MediaTypes.IN_TOTO, cfg, List.of(layer), subject, Map.of());
    OciJson.ImageManifest back = OciJson.imageManifest(m.toJson());
    assertThat(back).isEqualTo(m);
    assertThat(back.effectiveArtifactType()).isEqualTo(MediaTypes.IN_TOTO);
    assertThat(OciJson.subjectOf(m.toJson())).contains(subject);

    OciJson.ImageManifest noType =
        new OciJson.ImageManifest(MediaTypes.OCI_MANIFEST, null, cfg, List.of(), null, Map.of());
    assertThat(noType.effectiveArtifactType()).isEqualTo(MediaTypes.OCI_EMPTY);
    assertThat(OciJson.subjectOf(noType.toJson())).isEmpty();
  }

  @Test
  void index_roundTrips() throws Exception {
    Descriptor d =
        new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256("r"), 10, "application/x", Map.of());
    assertThat(OciJson.indexManifests(OciJson.index(List.of(d)))).containsExactly(d);
    assertThat(new String(OciJson.index(List.of()), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"manifests\":[],\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"schemaVersion\":2}");
  }

  @Test
  void malformedDescriptors_areRefused() {
    assertThatThrownBy(
            () -> OciJson.imageManifest("{\"layers\":[]}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("an image manifest needs a config");
    assertThatThrownBy(
            () ->
                OciJson.indexManifests(
                    "{\"manifests\":[{\"mediaType\":\"a\",\"digest\":\"md5:x\",\"size\":1}]}"
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessage("descriptor digest md5:x is not sha256");
  }

  @Test
  void registryErrorBodies_becomeOneLine() {
    byte[] body =
        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{}]},{\"code\":\"DENIED\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(RegistryTransport.errorDetail(body))
        .isEqualTo(" (UNAUTHORIZED: authentication required; DENIED)");
    assertThat(
            RegistryTransport.errorDetail("404 page not found\n".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(
            RegistryTransport.errorDetail(
                "{\"errors\":[{\"code\":\"X\",\"message\":\"line1\\nline2\"}]}"
                    .getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(" (X: line1\\nline2)");
  }

  @Test
  void fallbackAndCosignTags() {
    Digest d = Digest.sha256("image");
    assertThat(OciJson.fallbackTag(d)).isEqualTo("sha256-" + d.hex());
    assertThat(OciJson.signatureTag(d)).isEqualTo("sha256-" + d.hex() + ".sig");
    assertThat(OciJson.attestationTag(d)).isEqualTo("sha256-" + d.hex() + ".att");
    assertThat(OciJson.fallbackTag(d)).matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  }
}
