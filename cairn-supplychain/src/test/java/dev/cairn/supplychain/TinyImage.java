package dev.cairn.supplychain;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.internal.OciJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** A one-layer OCI image holding one small file, made and pushed by the client under test. */
final class TinyImage {
  private TinyImage() {}

  /** Pushes the image to {@code repo:tag} and returns the reference pinned by digest. */
  static ImageRef push(OciClient oci, ImageRef repo, String fileContent) throws Exception {
    byte[] tar = tar("hello.txt", fileContent.getBytes(StandardCharsets.UTF_8));
    byte[] layer = gzip(tar);
    Map<String, Object> rootfs = new LinkedHashMap<>();
    rootfs.put("type", "layers");
    rootfs.put("diff_ids", List.of(Digest.sha256(tar).toString()));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put("config", Map.of("Cmd", List.of("/hello.txt")));
    config.put("rootfs", rootfs);
    byte[] configBytes = Json.canonical(config).getBytes(StandardCharsets.UTF_8);
    Descriptor l = oci.pushBlob(repo, MediaTypes.OCI_LAYER_GZIP, layer);
    Descriptor c = oci.pushBlob(repo, MediaTypes.OCI_CONFIG, configBytes);
    OciJson.ImageManifest m =
        new OciJson.ImageManifest(MediaTypes.OCI_MANIFEST, null, c, List.of(l), null, Map.of());
    Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, m.toJson());
    oci.putManifest(repo, manifest);
    return repo.withDigest(manifest.digest());
  }

  /** A ustar archive with one regular file. */
  static byte[] tar(String name, byte[] content) throws IOException {
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

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
