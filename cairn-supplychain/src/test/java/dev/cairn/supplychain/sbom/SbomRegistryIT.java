package dev.cairn.supplychain.sbom;

import static dev.cairn.supplychain.sbom.SbomDirectoryTest.OPTIONS;
import static dev.cairn.supplychain.sbom.SbomDirectoryTest.purls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.CycloneDx;
import dev.cairn.testing.LocalRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image pushed to Debian's docker-registry (a Debian-like base layer with a dpkg database, an
 * application layer with a Spring Boot jar, and a layer whose whiteout deletes a package's file),
 * then its SBOM read end to end through the registry, by tag and by digest.
 */
class SbomRegistryIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;

  @Test
  void imageInRegistry_sbomEndToEnd_validCycloneDx() throws Exception {
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    Layers base =
        SbomImageTest.debianBase()
            .file(
                "usr/lib/python3/dist-packages/requests_toolbelt-1.0.0.dist-info/METADATA",
                Fixtures.METADATA);
    Layers app = new Layers().file("app/app.jar", Fixtures.springBootJar(8), 0644);
    Layers cleanup =
        new Layers()
            .file("usr/lib/python3/dist-packages/.wh.requests_toolbelt-1.0.0.dist-info", "");
    ImageRef pushed =
        Layers.push(
            oci,
            ImageRef.parse(REGISTRY.address() + "/cairn/sbom:v1"),
            List.of(base, app, cleanup));
    Sbom byTag = Sboms.image(oci, ImageRef.parse(REGISTRY.address() + "/cairn/sbom:v1"), OPTIONS);
    Path file = dir.resolve("sbom.cdx.json");
    byTag.write(file);
    CycloneDx.assertValid(file);
    assertThat(purls(byTag))
        .contains(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
            "pkg:maven/com.example/demo@0.0.1-SNAPSHOT",
            "pkg:maven/org.example.libs/lib7@1.7.0",
            "pkg:maven/org.slf4j/slf4j-api@2.0.9")
        .noneMatch(p -> p.startsWith("pkg:pypi/"));
    // 3 packages + os + app + 8 libs + shaded (3) + plain
    assertThat(byTag.components()).hasSize(17);
    assertThat(byTag.subject().version()).isEqualTo(pushed.requireDigest().toString());
    Sbom byDigest = Sboms.image(oci, pushed.atDigest(pushed.requireDigest()), OPTIONS);
    assertThat(byDigest.components()).isEqualTo(byTag.components());
    assertThat(Sbom.read(file).components()).isEqualTo(byTag.components());
  }
}
