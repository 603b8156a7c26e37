package dev.cairn.pipeline.build.internal;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.pipeline.build.BuiltImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads what an OCI image layout in a tar says about its image: manifest, config and layers. */
final class OciArchives {
  private OciArchives() {}

  /**
   * What the archive holds.
   *
   * @param manifest the manifest's digest
   * @param config the config's digest
   * @param configSize the config's size
   * @param layers the layers
   */
  record Summary(Digest manifest, Digest config, long configSize, List<BuiltImage.Layer> layers) {}

  static Summary read(Path tar) throws IOException {
    Map<String, byte[]> small = smallEntries(tar);
    byte[] index = small.get("index.json");
    if (index == null) {
      throw new IOException(tar + " is not an OCI image layout (no index.json)");
    }
    Map<String, Object> idx = Json.parseObject(new String(index, StandardCharsets.UTF_8));
    List<?> manifests = (List<?>) idx.get("manifests");
    if (manifests == null || manifests.isEmpty()) {
      throw new IOException(tar + ": index.json lists no manifest");
    }
    Digest manifest = Digest.parse(str((Map<?, ?>) manifests.get(0), "digest"));
    byte[] m = small.get("blobs/sha256/" + manifest.hex());
    if (m == null) {
      throw new IOException(tar + ": the manifest blob " + manifest + " is missing");
    }
    Map<String, Object> man = Json.parseObject(new String(m, StandardCharsets.UTF_8));
    Map<?, ?> config = (Map<?, ?>) man.get("config");
    if (config == null) {
      throw new IOException(tar + ": the manifest has no config");
    }
    List<BuiltImage.Layer> layers = new ArrayList<>();
    for (Object o : (List<?>) man.getOrDefault("layers", List.of())) {
      Map<?, ?> l = (Map<?, ?>) o;
      layers.add(
          new BuiltImage.Layer(
              Digest.parse(str(l, "digest")), num(l, "size"), str(l, "mediaType")));
    }
    return new Summary(manifest, Digest.parse(str(config, "digest")), num(config, "size"), layers);
  }

  /** Entries of at most 4 MiB by name (a layout's index, manifests and configs are small). */
  private static Map<String, byte[]> smallEntries(Path tar) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    try (InputStream in = Files.newInputStream(tar)) {
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
        long size =
            Long.parseLong(
                field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
        byte type = header[156];
        long padded = (size + 511) / 512 * 512;
        if (type == 'L' || (type == 'x' && size < 65536)) {
          byte[] data = in.readNBytes((int) size);
          in.skipNBytes(padded - size);
          if (type == 'L') {
            longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
          } else {
            String pax = new String(data, StandardCharsets.UTF_8);
            for (String rec : pax.split("\n")) {
              int sp = rec.indexOf(' ');
              if (sp > 0 && rec.startsWith("path=", sp + 1)) {
                longName = rec.substring(sp + 6);
              }
            }
          }
          continue;
        }
        if ((type == '0' || type == 0) && size <= 4 << 20) {
          byte[] data = in.readNBytes((int) size);
          in.skipNBytes(padded - size);
          out.put(name.startsWith("./") ? name.substring(2) : name, data);
        } else {
          in.skipNBytes(padded);
        }
      }
    }
    return out;
  }

  private static String str(Map<?, ?> m, String key) throws IOException {
    if (m.get(key) instanceof String v) {
      return v;
    }
    throw new IOException("a descriptor without " + key);
  }

  private static long num(Map<?, ?> m, String key) throws IOException {
    if (m.get(key) instanceof Number v) {
      return v.longValue();
    }
    throw new IOException("a descriptor without " + key);
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }
}
