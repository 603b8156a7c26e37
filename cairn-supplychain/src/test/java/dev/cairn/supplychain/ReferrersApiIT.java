package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.supplychain.Cosign.Storage;
import dev.cairn.supplychain.internal.OciJson;
import dev.cairn.testing.CosignTool;
import dev.cairn.testing.LocalRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OCI 1.1 referrers both ways, against real registries: go-containerregistry's registry serves the
 * referrers API, Debian's docker-registry 2.8 does not (404), so Cairn's client reads the referrers
 * tag schema's index there. Cosign's {@code REFERRER} storage is found both ways, by Cairn and by
 * cosign v2.6.5 itself ({@code --experimental-oci11}).
 */
class ReferrersApiIT {
  @RegisterExtension static final LocalRegistry API = LocalRegistry.referrersApi();
  @RegisterExtension static final LocalRegistry NO_API = LocalRegistry.plain();
  static final String SLSA_V1 = "https://slsa.dev/provenance/v1";

  @TempDir static Path dir;
  static KeyPair key;
  static Path pub;

  @BeforeAll
  static void setUp() throws Exception {
    CosignTool.binary();
    key = CosignKeys.generate();
    pub = dir.resolve("cosign.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(key.getPublic()));
  }

  static Stream<LocalRegistry> registries() {
    return Stream.of(API, NO_API);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registries")
  void referrerStorage_isListedByTheApiWhereItExists_elseByTheTagSchema(LocalRegistry registry)
      throws Exception {
    boolean api = registry.mode() == LocalRegistry.Mode.REFERRERS_API;
    OciClient oci = Registries.builder().allowPlainHttp(registry.address()).build();
    Cosign cosign = Cosign.using(oci);
    ImageRef image =
        TinyImage.push(oci, ImageRef.parse(registry.address() + "/cairn/referred:v1"), "referred");

    List<Descriptor> sig = cosign.sign(image, key.getPrivate(), Storage.REFERRER);
    List<Descriptor> att =
        cosign.attest(image, CosignIT.provenance(image), key.getPrivate(), Storage.REFERRER);

    // what the registry itself answers on the referrers endpoint
    HttpResponse<String> raw =
        registry
            .client()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            registry.baseUri()
                                + "/v2/cairn/referred/referrers/"
                                + image.requireDigest()))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (api) {
      assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
      assertThat(raw.body())
          .contains(sig.get(0).digest().toString())
          .contains(att.get(0).digest().toString());
    } else {
      assertThat(raw.statusCode()).isEqualTo(404);
    }

    OciClient.Referrers all = oci.referrers(image, null);
    assertThat(all.fromTagSchema()).isEqualTo(!api);
    assertThat(all.descriptors())
        .extracting(Descriptor::artifactType)
        .containsExactlyInAnyOrder(MediaTypes.COSIGN_SIGNATURE_ARTIFACT, MediaTypes.IN_TOTO);
    OciClient.Referrers attestations = oci.referrers(image, MediaTypes.IN_TOTO);
    assertThat(attestations.fromTagSchema()).isEqualTo(!api);
    assertThat(attestations.descriptors())
        .extracting(Descriptor::digest)
        .containsExactly(att.get(0).digest());

    // neither registry answers OCI-Subject on the put, so the client keeps the tag schema's index
    // as well (the distribution spec asks that of clients); on the API registry nothing reads it
    assertThat(oci.findManifest(image.withTag(OciJson.fallbackTag(image.requireDigest()))))
        .isPresent();

    assertThat(cosign.verifySignature(image, key.getPublic(), Storage.REFERRER).foundIn())
        .isEqualTo(Storage.REFERRER);
    assertThat(
            cosign.verifyAttestation(image, key.getPublic(), SLSA_V1, Storage.REFERRER).foundIn())
        .isEqualTo(Storage.REFERRER);

    CosignTool.Result v =
        CosignTool.cosign(
            dir,
            "verify",
            "--key",
            pub.toString(),
            "--insecure-ignore-tlog=true",
            "--allow-http-registry=true",
            "--experimental-oci11=true",
            image.toString());
    assertThat(v.exitCode()).as(v.output()).isZero();
    assertThat(v.output()).contains(image.requireDigest().toString());
  }
}
