package dev.cairn.supplychain.sbom;

import static dev.cairn.supplychain.sbom.SbomDirectoryTest.OPTIONS;
import static dev.cairn.supplychain.sbom.SbomDirectoryTest.purls;
import static dev.cairn.supplychain.sbom.SbomDirectoryTest.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image SBOMs read from an OCI layout: layers in order, whiteouts, opaque directories, bounds. */
class SbomImageTest {
  @TempDir Path dir;

  private ImageRef image(List<Layers> layers) throws Exception {
    OciClient oci = Registries.layout(dir.resolve("layout"));
    return Layers.push(oci, ImageRef.parse("registry.example/team/app:v1"), layers);
  }

  private Sbom sbom(ImageRef ref, Sboms.Options o) throws Exception {
    return valid(Sboms.image(Registries.readLayout(dir.resolve("layout")), ref, o));
  }

  static Layers debianBase() throws Exception {
    return new Layers()
        .dir("etc/")
        .file("etc/os-release", Fixtures.OS_RELEASE)
        .file("./var/lib/dpkg/status", Fixtures.DPKG_STATUS)
        .file("usr/share/doc/libc6/copyright", Fixtures.COPYRIGHT_LIBC6)
        .file("usr/bin/not-elf", "#!/bin/sh\necho hi\n".getBytes(), 0755);
  }

  @Test
  void image_layersInOrder_whiteoutsRemovePackagesFiles() throws Exception {
    byte[] shaded = Fixtures.shadedJar();
    Layers app =
        new Layers()
            .file("app/app-shaded-2.1.0.jar", shaded, 0644)
            .file("app/old-3.4.5.jar", Fixtures.manifestOnlyJar(), 0644)
            .file("usr/lib/python3/six-1.16.0.egg-info", Fixtures.PKG_INFO);
    // the top layer deletes a jar and the egg-info, and replaces the status file
    Layers top =
        new Layers()
            .file("app/.wh.old-3.4.5.jar", "")
            .file("usr/lib/python3/.wh.six-1.16.0.egg-info", "")
            .file(
                "var/lib/dpkg/status",
                Fixtures.DPKG_STATUS.substring(Fixtures.DPKG_STATUS.indexOf("Package: libc6")));
    ImageRef ref = image(List.of(debianBase(), app, top));
    List<String> progress = new ArrayList<>();
    Sbom s = sbom(ref, OPTIONS.withProgress(progress::add));
    assertThat(purls(s))
        .containsExactly(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
            "pkg:deb/debian/login@1%3A4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12"
                + "&upstream=shadow%401%3A4.13%2Bdfsg1-1",
            "pkg:generic/debian@12",
            "pkg:maven/com.example/app-shaded@2.1.0",
            "pkg:maven/com.google.guava/guava@33.0.0-jre",
            "pkg:maven/org.slf4j/slf4j-api@2.0.9");
    Component jar = s.components().get(3);
    assertThat(jar.locations()).containsExactly("/app/app-shaded-2.1.0.jar");
    assertThat(jar.hashes().get("SHA-256")).isEqualTo(Digest.sha256(shaded).hex());
    assertThat(s.subject().type()).isEqualTo(Component.Type.CONTAINER);
    assertThat(s.subject().purl())
        .isEqualTo(
            "pkg:oci/app@sha256%3A"
                + ref.requireDigest().hex()
                + "?repository_url=registry.example/team/app&tag=v1");
    assertThat(new String(s.toJson()))
        .contains("\"type\" : \"container\"")
        .contains("\"serialNumber\" : \"urn:uuid:");
    assertThat(progress).hasSize(6).first().asString().startsWith("layer 1/3 sha256:");
  }

  @Test
  void image_opaqueDirectory_hidesLowerLayersOnly() throws Exception {
    Layers lower =
        new Layers()
            .file("opt/lib/a-1.0.jar", Fixtures.manifestOnlyJar(), 0644)
            .file("srv/package-lock.json", Fixtures.PACKAGE_LOCK_V1);
    Layers upper =
        new Layers()
            .file("opt/lib/b-1.0.jar", Fixtures.shadedJar(), 0644)
            // the marker after a sibling of its own layer: still only hides the layers below
            .file("opt/lib/.wh..wh..opq", "");
    Sbom s = sbom(image(List.of(lower, upper)), OPTIONS);
    assertThat(purls(s)).contains("pkg:maven/com.example/app-shaded@2.1.0", "pkg:npm/ms@2.0.0");
    assertThat(purls(s)).doesNotContain("pkg:maven/org.example/plain@3.4.5");
  }

  @Test
  void image_laterNonCataloguedEntryReplacesAnEarlierFile() throws Exception {
    Layers lower = new Layers().file("app/lib.jar", Fixtures.shadedJar(), 0644);
    Layers upper = new Layers().symlink("app/lib.jar", "/dev/null");
    Sbom s = sbom(image(List.of(lower, upper)), OPTIONS);
    assertThat(s.components()).isEmpty();
  }

  @Test
  void image_hardLinkToACataloguedFile_isCatalogued() throws Exception {
    Layers l =
        new Layers()
            .file("a/x.egg-info", Fixtures.PKG_INFO)
            .hardlink("b/y.egg-info", "a/x.egg-info");
    Sbom s = sbom(image(List.of(l)), OPTIONS);
    assertThat(s.components().get(0).locations()).containsExactly("/a/x.egg-info", "/b/y.egg-info");
  }

  @Test
  void image_pathTraversal_isRefused() throws Exception {
    Layers evil = new Layers().file("../../etc/cron.d/x.jar", "boom");
    ImageRef ref = image(List.of(evil));
    assertThatThrownBy(() -> sbom(ref, OPTIONS))
        .isInstanceOf(SbomException.class)
        .hasMessageContaining("layer 1/1 sha256:")
        .hasMessageEndingWith(": entry '../../etc/cron.d/x.jar' leaves the root (..)");
    assertThat(Files.exists(dir.resolve("etc"))).isFalse();
  }

  @Test
  void image_tooManyEntries_failsAndABigFileIsSkippedWithAWarning() throws Exception {
    Layers l = new Layers();
    for (int i = 0; i < 20; i++) {
      l.file("f" + i, "x");
    }
    ImageRef many = image(List.of(l));
    assertThatThrownBy(
            () -> sbom(many, OPTIONS.withLimits(new Limits(1 << 20, 1 << 20, 3, 10, 1L << 30))))
        .hasMessageEndingWith("the image has more than 10 entries");
    ImageRef big = image(List.of(new Layers().file("big.jar", new byte[4096], 0644)));
    Sbom s = sbom(big, OPTIONS.withLimits(new Limits(1024, 1 << 20, 3, 1000, 1L << 30)));
    assertThat(s.components()).isEmpty();
    assertThat(s.warnings()).containsExactly("/big.jar: larger than 1024 bytes; not read");
  }

  @Test
  void imageArchive_builtLayoutTar_isReadAsTheImage() throws Exception {
    ImageRef ref = image(List.of(debianBase()));
    // the layout as a tar, as the build step writes it
    Layers tar = new Layers();
    Path layout = dir.resolve("layout");
    try (var walk = Files.walk(layout)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        tar.file(layout.relativize(p).toString(), Files.readAllBytes(p), 0644);
      }
    }
    Path archive = dir.resolve("image.tar");
    Files.write(archive, tar.tar());
    Sbom s =
        valid(Sboms.imageArchive(archive, ImageRef.parse("127.0.0.1:5000/team/app:abc"), OPTIONS));
    assertThat(purls(s)).hasSize(4);
    assertThat(s.subject().version()).isEqualTo(ref.requireDigest().toString());
    assertThatThrownBy(
            () ->
                Sboms.imageArchive(
                    archive,
                    ImageRef.parse("127.0.0.1:5000/team/app@sha256:" + "0".repeat(64)),
                    OPTIONS))
        .hasMessageStartingWith(archive + " holds image " + ref.requireDigest() + ", not");
  }

  @Test
  void image_index_picksThePlatform_andNamesThoseItHas() throws Exception {
    OciClient oci = Registries.layout(dir.resolve("layout"));
    ImageRef amd =
        Layers.push(
            oci,
            ImageRef.parse("registry.example/team/app:amd"),
            List.of(new Layers().file("a.egg-info", Fixtures.PKG_INFO)));
    ImageRef arm =
        Layers.push(
            oci,
            ImageRef.parse("registry.example/team/app:arm"),
            List.of(new Layers().file("lib/apk/db/installed", Fixtures.APK_INSTALLED)));
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + dev.cairn.supplychain.MediaTypes.OCI_INDEX
            + "\",\"manifests\":["
            + entry(oci, amd, "amd64", "")
            + ","
            + entry(oci, arm, "arm64", "v8")
            + "]}";
    dev.cairn.supplychain.Manifest m =
        dev.cairn.supplychain.Manifest.of(
            dev.cairn.supplychain.MediaTypes.OCI_INDEX,
            index.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ImageRef multi = ImageRef.parse("registry.example/team/app:multi");
    oci.putManifest(multi, m);
    Sbom a = sbom(multi, OPTIONS);
    assertThat(purls(a)).containsExactly("pkg:pypi/six@1.16.0");
    assertThat(a.subject().version()).as("the index's digest").isEqualTo(m.digest().toString());
    Sbom b = sbom(multi, OPTIONS.withPlatform("linux/arm64/v8"));
    assertThat(purls(b)).hasSize(2).allMatch(p -> p.startsWith("pkg:apk/alpine/"));
    assertThatThrownBy(() -> sbom(multi, OPTIONS.withPlatform("linux/s390x")))
        .isInstanceOf(SbomException.class)
        .hasMessage(
            "registry.example/team/app:multi has no image for platform linux/s390x (it has"
                + " [linux/amd64, linux/arm64/v8])");
  }

  private static String entry(OciClient oci, ImageRef image, String arch, String variant)
      throws Exception {
    var d = oci.headManifest(image).orElseThrow();
    return "{\"mediaType\":\""
        + d.mediaType()
        + "\",\"digest\":\""
        + d.digest()
        + "\",\"size\":"
        + d.size()
        + ",\"platform\":{\"os\":\"linux\",\"architecture\":\""
        + arch
        + "\""
        + (variant.isEmpty() ? "" : ",\"variant\":\"" + variant + "\"")
        + "}}";
  }
}
