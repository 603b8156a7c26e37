package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves images between archives and a registry with Cairn's own OCI client, so that every registry
 * operation of a pipeline has the same TLS trust, credentials and plain-HTTP rule: a built OCI
 * image layout (tar) is pushed blob by blob, then its manifest; a base image is pulled into a
 * Docker archive, the form the builders read a local base from.
 */
final class ImageTransfer {
  private static final long SMALL = 4L << 20;

  private ImageTransfer() {}

  /** What was pushed: the manifest's digest and how many blobs were uploaded. */
  record Pushed(Digest digest, int blobs) {}

  /**
   * Pushes the image of OCI layout tar {@code archive} to {@code target} (its tag, or its digest
   * when it has none): every blob its manifest names (skipping those the registry has), then the
   * manifest.
   */
  static Pushed push(OciClient oci, Path archive, ImageRef target)
      throws IOException, CairnException {
    Map<String, byte[]> small = new HashMap<>();
    entries(
        archive,
        (name, size, in) -> {
          if (size <= SMALL) {
            small.put(name, in.readAllBytes());
          }
        });
    byte[] index = small.get("index.json");
    if (index == null) {
      throw new IOException(archive + " is not an OCI image layout (no index.json)");
    }
    List<?> manifests =
        (List<?>) Json.parseObject(new String(index, StandardCharsets.UTF_8)).get("manifests");
    if (manifests == null || manifests.isEmpty()) {
      throw new IOException(archive + ": index.json lists no manifest");
    }
    Map<?, ?> top = (Map<?, ?>) manifests.get(0);
    Digest digest = Digest.parse(String.valueOf(top.get("digest")));
    String mediaType = top.get("mediaType") instanceof String s ? s : MediaTypes.OCI_MANIFEST;
    byte[] manifest = small.get("blobs/sha256/" + digest.hex());
    if (manifest == null) {
      throw new IOException(archive + ": the manifest blob " + digest + " is missing");
    }
    Map<String, Object> m = Json.parseObject(new String(manifest, StandardCharsets.UTF_8));
    Map<String, String> blobs = new LinkedHashMap<>(); // digest hex -> media type
    Map<?, ?> config = (Map<?, ?>) m.get("config");
    if (config == null) {
      throw new IOException(archive + ": the manifest has no config");
    }
    blobs.put(Digest.parse(String.valueOf(config.get("digest"))).hex(), str(config));
    for (Object o : (List<?>) m.getOrDefault("layers", List.of())) {
      Map<?, ?> l = (Map<?, ?>) o;
      blobs.put(Digest.parse(String.valueOf(l.get("digest"))).hex(), str(l));
    }
    int[] uploaded = {0};
    CairnException[] failed = {null};
    entries(
        archive,
        (name, size, in) -> {
          if (failed[0] != null || !name.startsWith("blobs/sha256/")) {
            return;
          }
          String hex = name.substring("blobs/sha256/".length());
          String type = blobs.remove(hex);
          if (type == null) {
            return;
          }
          Digest want = Digest.parse("sha256:" + hex);
          try {
            if (oci.blobExists(target, want)) {
              return;
            }
            Descriptor sent;
            if (size <= SMALL) {
              sent = oci.pushBlob(target, type, in.readAllBytes());
            } else {
              // a layer is streamed from disk, never held in memory whole
              Path tmp = Files.createTempFile(archive.toAbsolutePath().getParent(), "blob-", "");
              try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                sent = oci.pushBlob(target, type, tmp);
              } finally {
                Files.deleteIfExists(tmp);
              }
            }
            if (!sent.digest().equals(want)) {
              throw new IOException(
                  archive
                      + ": blob "
                      + want
                      + " does not match its digest (it is "
                      + sent.digest()
                      + ")");
            }
            uploaded[0]++;
          } catch (CairnException e) {
            failed[0] = e;
          }
        });
    if (failed[0] != null) {
      throw failed[0];
    }
    if (!blobs.isEmpty()) {
      throw new IOException(
          archive + ": blob sha256:" + blobs.keySet().iterator().next() + " is missing");
    }
    ImageRef at = target.tag() == null ? target.atDigest(digest) : target;
    oci.putManifest(at, Manifest.of(mediaType, manifest));
    return new Pushed(digest, uploaded[0]);
  }

  private static String str(Map<?, ?> d) {
    return d.get("mediaType") instanceof String s ? s : "application/octet-stream";
  }

  /**
   * Pulls {@code ref} (for linux/amd64 when it is an index) into a Docker archive at {@code out},
   * tagged {@code repoTag}.
   *
   * @return the digest of the manifest (or index) {@code ref} named when it was pulled
   */
  static Digest pullDockerArchive(OciClient oci, ImageRef ref, String repoTag, Path out)
      throws IOException, CairnException {
    Manifest top = oci.getManifest(ref);
    Map<String, Object> m = Json.parseObject(new String(top.bytes(), StandardCharsets.UTF_8));
    if (m.get("manifests") instanceof List<?> list) {
      Digest chosen = null;
      for (Object o : list) {
        Map<?, ?> d = (Map<?, ?>) o;
        Map<?, ?> p = d.get("platform") instanceof Map<?, ?> pm ? pm : Map.of();
        if ("linux".equals(p.get("os")) && "amd64".equals(p.get("architecture"))) {
          chosen = Digest.parse(String.valueOf(d.get("digest")));
          break;
        }
      }
      if (chosen == null) {
        throw new IOException(ref + " is an index without a linux/amd64 image");
      }
      m =
          Json.parseObject(
              new String(oci.getManifest(ref.atDigest(chosen)).bytes(), StandardCharsets.UTF_8));
    }
    Map<?, ?> config = (Map<?, ?>) m.get("config");
    if (config == null) {
      throw new IOException(ref + ": its manifest has no config");
    }
    Digest configDigest = Digest.parse(String.valueOf(config.get("digest")));
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out))) {
      List<String> layerNames = new ArrayList<>();
      String configName = configDigest.hex() + ".json";
      writeEntry(os, configName, oci.getBlob(ref, configDigest));
      for (Object o : (List<?>) m.getOrDefault("layers", List.of())) {
        Map<?, ?> l = (Map<?, ?>) o;
        String type = str(l);
        if (type.contains("zstd")) {
          throw new IOException(
              ref + " has a zstd layer, which the builders cannot read as a base");
        }
        Digest d = Digest.parse(String.valueOf(l.get("digest")));
        String name = d.hex() + (type.endsWith("gzip") ? ".tar.gz" : ".tar");
        // a layer goes through a file beside the archive, never whole into memory
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), "layer-", "");
        try {
          oci.getBlob(ref, d, tmp);
          writeEntry(os, name, tmp);
        } finally {
          Files.deleteIfExists(tmp);
        }
        layerNames.add(name);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("Config", configName);
      entry.put("RepoTags", List.of(repoTag));
      entry.put("Layers", layerNames);
      writeEntry(
          os, "manifest.json", Json.canonical(List.of(entry)).getBytes(StandardCharsets.UTF_8));
      os.write(new byte[1024]);
    }
    return top.digest();
  }

  // ------------------------------------------------------------------ tar

  @FunctionalInterface
  interface EntryVisitor {
    void visit(String name, long size, InputStream content) throws IOException;
  }

  /** Visits every regular file of a tar (ustar, GNU long names, pax paths). */
  static void entries(Path tar, EntryVisitor v) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(tar))) {
      byte[] header = new byte[512];
      String longName = null;
      while (in.readNBytes(header, 0, 512) == 512) {
        if (header[0] == 0) {
          break;
        }
        String name = longName != null ? longName : field(header, 0, 100);
        longName = null;
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty() && header[257] == 'u') {
          name = prefix + "/" + name;
        }
        String sz = field(header, 124, 12).trim();
        long size = sz.isEmpty() ? 0 : Long.parseLong(sz, 8);
        byte type = header[156];
        long padded = (size + 511) / 512 * 512;
        if (type == 'L' || type == 'x') {
          byte[] data = in.readNBytes((int) Math.min(size, 1 << 20));
          in.skipNBytes(padded - data.length);
          String text = new String(data, StandardCharsets.UTF_8);
          if (type == 'L') {
            longName = text.replace("\0", "");
          } else {
            for (String rec : text.split("\n")) {
              int sp = rec.indexOf(' ');
              if (sp > 0 && rec.startsWith("path=", sp + 1)) {
                longName = rec.substring(sp + 6);
              }
            }
          }
          continue;
        }
        if (type == '0' || type == 0) {
          String n = name.startsWith("./") ? name.substring(2) : name;
          BoundedInput body = new BoundedInput(in, size);
          v.visit(n, size, body);
          body.skipRest();
          in.skipNBytes(padded - size);
        } else {
          in.skipNBytes(padded);
        }
      }
    }
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  /** One ustar entry: a regular file owned by 0:0, mode 0644, time 0. */
  static void writeEntry(OutputStream os, String name, byte[] content) throws IOException {
    header(os, name, content.length);
    os.write(content);
    int pad = (int) ((512 - content.length % 512) % 512);
    os.write(new byte[pad]);
  }

  /** A tar entry whose content is streamed from {@code file}. */
  static void writeEntry(OutputStream os, String name, Path file) throws IOException {
    long size = Files.size(file);
    header(os, name, size);
    long copied = Files.copy(file, os);
    if (copied != size) {
      throw new IOException(file + " changed while it was archived");
    }
    os.write(new byte[(int) ((512 - size % 512) % 512)]);
  }

  private static void header(OutputStream os, String name, long size) throws IOException {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length > 100) {
      throw new IOException("a tar entry name over 100 bytes: " + name);
    }
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
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
    os.write(h);
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  /** The next {@code size} bytes of a stream, and no more. */
  private static final class BoundedInput extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInput(InputStream in, long size) {
      this.in = in;
      this.left = size;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int r = in.read(b, off, (int) Math.min(len, left));
      if (r > 0) {
        left -= r;
      }
      return r;
    }

    void skipRest() throws IOException {
      in.skipNBytes(left);
      left = 0;
    }
  }
}
