package dev.cairn.pipeline.steps;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** A tiny base image made here and pushed with Cairn's client (nothing is pulled from outside). */
final class TestBases {
  private TestBases() {}

  /** Pushes a one-layer image ({@code /etc/base-release}, {@code PATH}, {@code BASE=1}). */
  static ImageRef push(OciClient oci, ImageRef ref) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    ImageTransfer.writeEntry(
        tar, "etc/base-release", "cairn test base 1\n".getBytes(StandardCharsets.UTF_8));
    tar.write(new byte[1024]);
    byte[] layer = gzip(tar.toByteArray());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put("config", Map.of("Env", List.of("PATH=/opt/java/bin:/usr/bin:/bin", "BASE=1")));
    config.put(
        "rootfs",
        Map.of("type", "layers", "diff_ids", List.of(Digest.sha256(tar.toByteArray()).toString())));
    byte[] configBytes = Json.canonical(config).getBytes(StandardCharsets.UTF_8);
    var l = oci.pushBlob(ref, MediaTypes.OCI_LAYER_GZIP, layer);
    var c = oci.pushBlob(ref, MediaTypes.OCI_CONFIG, configBytes);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("config", desc(c.mediaType(), c.digest(), c.size()));
    m.put("layers", List.of(desc(l.mediaType(), l.digest(), l.size())));
    Manifest manifest =
        Manifest.of(MediaTypes.OCI_MANIFEST, Json.canonical(m).getBytes(StandardCharsets.UTF_8));
    oci.putManifest(ref, manifest);
    return ref.withDigest(manifest.digest());
  }

  private static Map<String, Object> desc(String type, Digest d, long size) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("mediaType", type);
    o.put("digest", d.toString());
    o.put("size", size);
    return o;
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }
}
