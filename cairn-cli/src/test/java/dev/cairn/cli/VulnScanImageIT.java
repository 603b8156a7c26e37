package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CliTest.Run;
import dev.cairn.core.Json;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn vuln scan IMAGE} against a real docker-registry: an image whose trusted builder
 * attested an SBOM is scanned by that SBOM (the image's own layers hold no package, so a finding
 * can only come from the attestation); without a verified SBOM attestation the SBOM is computed
 * from the image, and stderr says why.
 */
class VulnScanImageIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  static final String SBOM =
      """
      {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
        {"type": "library", "name": "openssl", "version": "3.0.11-1~deb12u2",
         "purl": "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"}]}
      """;

  @TempDir Path tmp;
  Path home;
  KeyPair key;
  OciClient oci;

  @BeforeEach
  void setUp() throws Exception {
    home = tmp.resolve("home");
    Path osv = Files.createDirectories(tmp.resolve("osv"));
    Files.writeString(
        osv.resolve("DEBIAN-CVE-2099-0001.json"),
        """
        {"id": "DEBIAN-CVE-2099-0001", "modified": "2026-11-20T10:00:00Z",
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]}],
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}
        """);
    assertThat(CliTest.run(home, "vuln", "db", "import", osv.toString()).code()).isZero();
    key = CosignKeys.generate();
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
  }

  private void trustTheKey() throws Exception {
    Path pub =
        Files.writeString(tmp.resolve("cosign.pub"), CosignKeys.publicKeyPem(key.getPublic()));
    assertThat(
            CliTest.run(
                    home,
                    "trust",
                    "add-builder-key",
                    pub.toString(),
                    "--since",
                    "2026-01-01T00:00:00Z")
                .code())
        .isZero();
    assertThat(CliTest.run(home, "trust", "allow-unattested-builders").code()).isZero();
  }

  /** A signed image with provenance, and (when {@code sbom}) the SBOM attested by the same key. */
  private ImageRef image(String repository, boolean sbom) throws Exception {
    ImageRef image =
        ImageVerifyCommandTest.signed(
            oci, ImageRef.parse(REGISTRY.address() + "/" + repository + ":v1"), key);
    if (sbom) {
      Cosign.using(oci)
          .attest(
              image,
              Cosign.statement(image, "https://cyclonedx.org/bom", Json.parseObject(SBOM)),
              key.getPrivate(),
              Cosign.Storage.BOTH);
    }
    return image;
  }

  private Run scan(String image) {
    return CliTest.run(
        home, "vuln", "scan", image, "--plain-http", "--max-db-age", "999999d", "-o", "json");
  }

  @Test
  void scan_ofAnImageWithAVerifiedSbomAttestation_usesIt() throws Exception {
    trustTheKey();
    ImageRef image = image("team/attested", true);
    // by tag: resolved to its digest, verified there
    Run r = scan(REGISTRY.address() + "/team/attested:v1");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "cairn: scanning the SBOM attested by the image's builder (verified against the trust"
                + " root)");
    Map<String, Object> doc = Json.parseObject(r.out());
    assertThat(Json.canonical(doc)).contains("DEBIAN-CVE-2099-0001");
    // the SBOM scanned is the attested predicate, named by the image's digest
    assertThat(doc.get("sbom"))
        .isEqualTo(
            Map.of(
                "name",
                REGISTRY.address() + "/team/attested:v1@" + image.requireDigest(),
                "digest",
                dev.cairn.core.Digest.sha256(Json.canonical(Json.parseObject(SBOM))).toString(),
                "components",
                1L));
  }

  @Test
  void scan_withoutAVerifiedSbomAttestation_computesTheSbom_andSaysWhy() throws Exception {
    ImageRef attested = image("team/untrusted", true);
    // no trust root: the attestation is not taken on its word
    Run untrusted = scan(attested.toString());
    assertThat(untrusted.code()).as(untrusted.err()).isZero();
    assertThat(untrusted.err())
        .contains("cairn: no trust root " + home.resolve("trust.json"))
        .contains("; computing the SBOM from the image");
    assertThat(untrusted.out()).doesNotContain("DEBIAN-CVE-2099-0001");

    trustTheKey();
    ImageRef plain = image("team/plain", false);
    Run none = scan(plain.toString());
    assertThat(none.code()).as(none.err()).isZero();
    assertThat(none.err())
        .contains(
            "cairn: the image verifies, but its builder attested no SBOM"
                + " (https://cyclonedx.org/bom); computing the SBOM from the image");

    // an SBOM attested by another key is not the trusted builder's
    ImageRef other =
        ImageVerifyCommandTest.signed(
            oci, ImageRef.parse(REGISTRY.address() + "/team/other:v1"), key);
    Cosign.using(oci)
        .attest(
            other,
            Cosign.statement(other, "https://cyclonedx.org/bom", Json.parseObject(SBOM)),
            CosignKeys.generate().getPrivate(),
            Cosign.Storage.BOTH);
    Run forged = scan(other.toString());
    assertThat(forged.code()).as(forged.err()).isZero();
    assertThat(forged.err()).contains("its builder attested no SBOM");
    assertThat(forged.out()).doesNotContain("DEBIAN-CVE-2099-0001");
  }

  @Test
  void scan_ofAnImageNotInTheRegistry_exitsTwo() throws Exception {
    Run r = scan(REGISTRY.address() + "/team/missing:v1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("image " + REGISTRY.address() + "/team/missing:v1");
  }
}
