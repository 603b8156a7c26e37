package dev.cairn.supplychain.sbom;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Image layers (ustar, with GNU long names) and images made of them, pushed by the client. */
final class Layers {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Layers file(String name, byte[] content, int mode) throws IOException {
    header(name, '0', content.length, mode, "");
    out.write(content);
    out.write(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  Layers file(String name, String content) throws IOException {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  Layers dir(String name) throws IOException {
    header(name, '5', 0, 0755, "");
    return this;
  }

  Layers symlink(String name, String target) throws IOException {
    header(name, '2', 0, 0777, target);
    return this;
  }

  Layers hardlink(String name, String target) throws IOException {
    header(name, '1', 0, 0644, target);
    return this;
  }

  /** The tar, gzip-compressed. */
  byte[] gzip() throws IOException {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
      gz.write(tar());
    }
    return z.toByteArray();
  }

  byte[] tar() {
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    t.writeBytes(out.toByteArray());
    t.writeBytes(new byte[1024]);
    return t.toByteArray();
  }

  private void header(String name, char type, long size, int mode, String link) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length > 100) {
      byte[] ln = (name + "\0").getBytes(StandardCharsets.UTF_8);
      raw("././@LongLink", 'L', ln.length, 0644, "");
      out.write(ln);
      out.write(new byte[(512 - ln.length % 512) % 512]);
      name = name.substring(0, 100);
    }
    raw(name, type, size, mode, link);
  }

  private void raw(String name, char type, long size, int mode, String link) throws IOException {
    byte[] h = new byte[512];
    put(h, 0, name, 100);
    put(h, 100, String.format("%07o", mode), 8);
    put(h, 108, "0000000", 8);
    put(h, 116, "0000000", 8);
    put(h, 124, String.format("%011o", size), 12);
    put(h, 136, "00000000000", 12);
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 157, link, 100);
    put(h, 257, "ustar", 6);
    put(h, 263, "00", 2);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum), 7);
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
  }

  private static void put(byte[] h, int off, String s, int max) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(b.length, max));
  }

  /** Pushes an image of {@code layers} (gzip) to {@code ref}'s tag; returns it by digest. */
  static ImageRef push(OciClient oci, ImageRef ref, List<Layers> layers) throws Exception {
    List<Descriptor> ls = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (Layers l : layers) {
      diffIds.add(Digest.sha256(l.tar()).toString());
      ls.add(oci.pushBlob(ref, MediaTypes.OCI_LAYER_GZIP, l.gzip()));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
    Descriptor c =
        oci.pushBlob(
            ref, MediaTypes.OCI_CONFIG, Json.canonical(config).getBytes(StandardCharsets.UTF_8));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("config", descriptor(c));
    List<Object> lj = new ArrayList<>();
    for (Descriptor d : ls) {
      lj.add(descriptor(d));
    }
    m.put("layers", lj);
    Manifest manifest =
        Manifest.of(MediaTypes.OCI_MANIFEST, Json.canonical(m).getBytes(StandardCharsets.UTF_8));
    oci.putManifest(ref, manifest);
    return ref.withDigest(manifest.digest());
  }

  private static Map<String, Object> descriptor(Descriptor d) {
    return Map.of("mediaType", d.mediaType(), "digest", d.digest().toString(), "size", d.size());
  }
}
