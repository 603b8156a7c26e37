package dev.cairn.deploy.admission;

import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Images made as cairn-cli's ImageVerifyCommandTest makes them: a config and no layers, pushed to a
 * registry, signed and attested (SLSA provenance v1) with cosign's layout by a builder key.
 */
public final class SignedImages {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String REPO = "https://git.example/team/app";

  private SignedImages() {}

  /** A trust root that trusts {@code key} as an (unattested) builder key. */
  public static TrustRoot trusting(KeyPair key) {
    return TrustRoot.empty()
        .withTrusted(
            new TrustRoot.BuilderKey(key.getPublic().getEncoded()),
            Instant.now().minusSeconds(3600))
        .withUnattestedBuildersAccepted(true);
  }

  /** An image pushed but neither signed nor attested, by digest. */
  public static ImageRef unsigned(OciClient oci, ImageRef repo, String salt) throws Exception {
    Descriptor config =
        oci.pushBlob(
            repo,
            MediaTypes.OCI_CONFIG,
            ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"salt\":\""
                    + salt
                    + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
                .getBytes(StandardCharsets.UTF_8));
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OCI_CONFIG
            + "\",\"digest\":\""
            + config.digest()
            + "\",\"size\":"
            + config.size()
            + "},\"layers\":[]}";
    Manifest m = Manifest.of(MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    oci.putManifest(repo, m);
    return repo.atDigest(m.digest());
  }

  /** An image signed and attested by {@code key}, by digest. */
  public static ImageRef signed(OciClient oci, ImageRef repo, KeyPair key, String salt)
      throws Exception {
    ImageRef image = unsigned(oci, repo, salt);
    ImageRef tagged = repo.withDigest(image.requireDigest());
    Cosign cosign = Cosign.using(oci);
    cosign.sign(tagged, key.getPrivate(), Cosign.Storage.BOTH);
    Map<String, Object> predicate =
        Map.of(
            "buildDefinition",
            Map.of(
                "buildType", "https://cairn.dev/pipeline/run/v1",
                "externalParameters", Map.of("repository", REPO, "ref", "refs/heads/main"),
                "resolvedDependencies",
                    List.of(Map.of("uri", REPO, "digest", Map.of("gitCommit", COMMIT)))),
            "runDetails",
            Map.of(
                "builder", Map.of("id", "https://cairn.dev/builder/local/v1"),
                "metadata", Map.of("finishedOn", Instant.now().minusSeconds(5).toString())));
    cosign.attest(
        tagged,
        Cosign.statement(tagged, ImageVerifier.SLSA_PROVENANCE_V1, predicate),
        key.getPrivate(),
        Cosign.Storage.BOTH);
    return image;
  }
}
