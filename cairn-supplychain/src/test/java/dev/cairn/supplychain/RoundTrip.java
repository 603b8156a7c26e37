package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.internal.OciJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** What every registry mode must do for the OCI client. */
final class RoundTrip {
  private RoundTrip() {}

  /** Push an image, read it back, write a referrer and find it through the tag schema. */
  static void run(OciClient oci, ImageRef repo) throws Exception {
    ImageRef image = TinyImage.push(oci, repo, "hello from " + repo.registry());
    Digest d = image.requireDigest();

    assertThat(oci.headManifest(image)).get().extracting(Descriptor::digest).isEqualTo(d);
    assertThat(oci.headManifest(repo)).get().extracting(Descriptor::digest).isEqualTo(d);
    Manifest m = oci.getManifest(image);
    assertThat(m.digest()).isEqualTo(d);
    assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    OciJson.ImageManifest im = OciJson.imageManifest(m.bytes());
    byte[] layer = oci.getBlob(repo, im.layers().get(0).digest());
    assertThat(Digest.sha256(layer)).isEqualTo(im.layers().get(0).digest());
    assertThat(oci.blobExists(repo, im.config().digest())).isTrue();
    assertThat(oci.blobExists(repo, Digest.sha256("nothing"))).isFalse();
    assertThat(oci.findManifest(repo.withTag("no-such-tag"))).isEmpty();

    // a referrer: docker-registry 2.8 has no referrers API, so the client keeps the tag index
    Descriptor empty =
        oci.pushBlob(repo, MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
    Descriptor note = oci.pushBlob(repo, "text/plain", "a note".getBytes(StandardCharsets.UTF_8));
    OciJson.ImageManifest referrer =
        new OciJson.ImageManifest(
            MediaTypes.OCI_MANIFEST,
            "application/vnd.cairn.test.note",
            empty,
            List.of(note),
            m.descriptor(),
            Map.of("org.opencontainers.image.created", "2026-12-01T00:00:00Z"));
    Manifest rm = Manifest.of(MediaTypes.OCI_MANIFEST, referrer.toJson());
    oci.putManifest(repo.atDigest(rm.digest()), rm);
    oci.putManifest(repo.atDigest(rm.digest()), rm); // idempotent: listed once

    OciClient.Referrers all = oci.referrers(image, null);
    assertThat(all.fromTagSchema()).isTrue();
    assertThat(all.descriptors())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.digest()).isEqualTo(rm.digest());
              assertThat(r.artifactType()).isEqualTo("application/vnd.cairn.test.note");
            });
    assertThat(oci.referrers(image, "application/vnd.cairn.test.note").descriptors()).hasSize(1);
    assertThat(oci.referrers(image, "application/other").descriptors()).isEmpty();
    assertThat(oci.getManifest(repo.withTag(OciJson.fallbackTag(d))).mediaType())
        .isEqualTo(MediaTypes.OCI_INDEX);
  }
}
