package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.sbom.Sbom;
import dev.cairn.testing.CycloneDx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn sbom DIR|oci:DIR}: CycloneDX on stdout or in a file, the table, bad input. */
class SbomCommandTest {
  @TempDir Path dir;

  static final String STATUS =
      "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\n"
          + "Version: 1:1.2.13.dfsg-1\n\n"
          + "Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34+dfsg-1.2\n";

  static byte[] jar(String g, String a, String v) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new ZipEntry("META-INF/maven/" + g + "/" + a + "/pom.properties"));
      j.write(("groupId=" + g + "\nartifactId=" + a + "\nversion=" + v + "\n").getBytes());
      j.closeEntry();
    }
    return out.toByteArray();
  }

  private Path tree() throws Exception {
    Path root = dir.resolve("rootfs");
    Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("opt/app"));
    Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
    Files.writeString(root.resolve("var/lib/dpkg/status"), STATUS);
    Files.write(
        root.resolve("opt/app/guava-33.0.0-jre.jar"),
        jar("com.google.guava", "guava", "33.0.0-jre"));
    return root;
  }

  @Test
  void sbom_directory_cycloneDxOnStdout_valid() throws Exception {
    CliTest.Run r = CliTest.run(dir.resolve("home"), "sbom", tree().toString());
    assertThat(r.code()).as(r.err()).isZero();
    CycloneDx.assertValid(r.out().getBytes(StandardCharsets.UTF_8));
    assertThat(r.out())
        .contains("\"specVersion\" : \"1.6\"")
        .contains(
            "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib")
        .contains("pkg:maven/com.google.guava/guava@33.0.0-jre")
        .contains("\"name\" : \"cairn\"");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void sbom_outputFile_andTable() throws Exception {
    Path root = tree();
    Path file = dir.resolve("out.cdx.json");
    CliTest.Run r =
        CliTest.run(dir.resolve("home"), "sbom", root.toString(), "--output", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    CycloneDx.assertValid(file);
    assertThat(r.err())
        .startsWith(
            "wrote "
                + file
                + ": 4 components of rootfs (CycloneDX 1.6, sha256:"
                + Digest.sha256(Files.readAllBytes(file)).hex()
                + ")");
    assertThat(Sbom.read(file).components()).hasSize(4);
    CliTest.Run t = CliTest.run(dir.resolve("home"), "sbom", root.toString(), "-o", "table");
    assertThat(t.code()).isZero();
    assertThat(t.out().lines().toList())
        .first()
        .asString()
        .startsWith("NAME")
        .contains("VERSION")
        .contains("PURL");
    assertThat(t.out())
        .contains("com.google.guava:guava")
        .contains("1:1.2.13.dfsg-1")
        .endsWith("4 components in rootfs\n");
  }

  @Test
  void sbom_ociLayout_image() throws Exception {
    Path layout = dir.resolve("layout");
    OciClient oci = Registries.layout(layout);
    ImageRef ref = ImageRef.parse("registry.test/team/app:v1");
    byte[] layer = gzip(tar("var/lib/dpkg/status", STATUS.getBytes(StandardCharsets.UTF_8)));
    Descriptor l = oci.pushBlob(ref, MediaTypes.OCI_LAYER_GZIP, layer);
    Descriptor c =
        oci.pushBlob(
            ref,
            MediaTypes.OCI_CONFIG,
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8));
    String m =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":"
            + desc(c)
            + ",\"layers\":["
            + desc(l)
            + "]}";
    Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, m.getBytes(StandardCharsets.UTF_8));
    oci.putManifest(ref, manifest);
    for (String target : new String[] {"oci:" + layout, "oci:" + layout + ":v1"}) {
      CliTest.Run r = CliTest.run(dir.resolve("home"), "sbom", target);
      assertThat(r.code()).as(r.err()).isZero();
      CycloneDx.assertValid(r.out().getBytes(StandardCharsets.UTF_8));
      assertThat(r.out())
          .contains("\"type\" : \"container\"")
          .contains("pkg:oci/layout@sha256%3A" + manifest.digest().hex())
          .contains("pkg:deb/debian/tar@1.34%2Bdfsg-1.2?arch=amd64");
    }
  }

  @Test
  void sbom_badInput_exit2WithAHint() throws Exception {
    CliTest.Run r = CliTest.run(dir.resolve("home"), "sbom", tree().toString(), "-o", "spdx");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "cairn: unknown SBOM format 'spdx'\n  perhaps you should use -o cyclonedx-json or table\n");
    CliTest.Run n = CliTest.run(dir.resolve("home"), "sbom", "Not An Image!");
    assertThat(n.code()).isEqualTo(2);
    assertThat(n.err())
        .startsWith("cairn: 'Not An Image!' is neither a directory nor an image reference");
    CliTest.Run t = CliTest.run(dir.resolve("home"), "sbom", "registry.test/team/app");
    assertThat(t.err())
        .startsWith("cairn: image registry.test/team/app has neither tag nor digest\n")
        .contains("perhaps you should name the image as registry.test/team/app:TAG");
    CliTest.Run o = CliTest.run(dir.resolve("home"), "sbom", "oci:" + dir.resolve("none"));
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).startsWith("cairn: " + dir.resolve("none") + " is not an OCI image layout");
  }

  private static String desc(Descriptor d) {
    return "{\"mediaType\":\""
        + d.mediaType()
        + "\",\"digest\":\""
        + d.digest()
        + "\",\"size\":"
        + d.size()
        + "}";
  }

  static byte[] tar(String name, byte[] content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", content.length));
    put(h, 136, "00000000000");
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = '0';
    put(h, 257, "ustar");
    put(h, 263, "00");
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
    out.write(content);
    out.write(new byte[(512 - content.length % 512) % 512]);
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
