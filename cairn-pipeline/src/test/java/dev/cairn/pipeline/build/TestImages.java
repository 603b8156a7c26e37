package dev.cairn.pipeline.build;

import dev.cairn.core.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base images made by the tests (nothing is pulled): a Docker archive ({@code docker save} format,
 * the one jib-core reads as a base) with one layer.
 */
final class TestImages {
  private TestImages() {}

  /** A layer's entries: path to content, or to a symbolic link target with {@code "->"}. */
  static final class Layer {
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final Map<String, Integer> modes = new LinkedHashMap<>();
    final Map<String, String> links = new LinkedHashMap<>();

    Layer file(String path, String content) {
      return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    Layer file(String path, byte[] content, int mode) {
      files.put(path, content);
      modes.put(path, mode);
      return this;
    }

    Layer link(String path, String target) {
      links.put(path, target);
      return this;
    }
  }

  /** A tiny base: one text file, an environment variable and a CMD. */
  static Path tinyBase(Path dir, String repoTag) throws IOException {
    return dockerArchive(
        dir.resolve("base.tar"),
        repoTag,
        new Layer().file("etc/base-release", "cairn test base 1\n"),
        List.of("PATH=/usr/local/bin:/usr/bin:/bin", "BASE=1"),
        List.of("/bin/true"));
  }

  /**
   * A busybox base from Debian's busybox-static: {@code /bin/busybox} and {@code /bin/sh} and a few
   * applets linked to it.
   */
  static Path busyboxBase(Path dir, String repoTag) throws IOException {
    byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
    Layer l = new Layer().file("bin/busybox", busybox, 0755);
    for (String applet : List.of("sh", "echo", "cat", "ls", "mkdir", "true")) {
      l.link("bin/" + applet, "busybox");
    }
    l.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
    return dockerArchive(
        dir.resolve("busybox.tar"), repoTag, l, List.of("PATH=/bin"), List.of("/bin/sh"));
  }

  static Path dockerArchive(
      Path out, String repoTag, Layer layer, List<String> env, List<String> cmd)
      throws IOException {
    byte[] layerTar = tar(layer);
    Digest diffId = Digest.sha256(layerTar);
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"1970-01-01T00:00:00Z\","
            + "\"config\":{\"Env\":"
            + json(env)
            + ",\"Cmd\":"
            + json(cmd)
            + "},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
            + diffId
            + "\"]},\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"cairn"
            + " test\"}]}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    String configName = Digest.sha256(configBytes).hex() + ".json";
    String layerName = diffId.hex() + "/layer.tar";
    String manifest =
        "[{\"Config\":\""
            + configName
            + "\",\"RepoTags\":[\""
            + repoTag
            + "\"],\"Layers\":[\""
            + layerName
            + "\"]}]";
    Layer archive = new Layer();
    archive.file(configName, configBytes, 0644);
    archive.file(layerName, layerTar, 0644);
    archive.file("manifest.json", manifest.getBytes(StandardCharsets.UTF_8), 0644);
    Files.createDirectories(out.getParent());
    Files.write(out, tar(archive));
    return out;
  }

  private static String json(List<String> values) {
    List<String> q = new ArrayList<>();
    for (String v : values) {
      q.add("\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
    return "[" + String.join(",", q) + "]";
  }

  /** A ustar archive, directories first then files and links, all owned by 0:0 at time 0. */
  static byte[] tar(Layer layer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    java.util.TreeSet<String> dirs = new java.util.TreeSet<>();
    List<String> all = new ArrayList<>(layer.files.keySet());
    all.addAll(layer.links.keySet());
    for (String p : all) {
      for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
        dirs.add(p.substring(0, i) + "/");
      }
    }
    for (String d : dirs) {
      header(out, d, 0, 0755, '5', "");
    }
    for (var e : layer.files.entrySet()) {
      header(out, e.getKey(), e.getValue().length, layer.modes.get(e.getKey()), '0', "");
      out.write(e.getValue());
      out.write(new byte[(512 - e.getValue().length % 512) % 512]);
    }
    for (var e : layer.links.entrySet()) {
      header(out, e.getKey(), 0, 0777, '2', e.getValue());
    }
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  private static void header(
      ByteArrayOutputStream out, String name, long size, int mode, char type, String link) {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    put(h, 100, 8, String.format("%07o", mode));
    put(h, 108, 8, "0000000");
    put(h, 116, 8, "0000000");
    put(h, 124, 12, String.format("%011o", size));
    put(h, 136, 12, String.format("%011o", 0));
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    put(h, 263, 2, "00");
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, String.format("%06o", sum) + "\0 ");
    out.write(h, 0, 512);
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > len) {
      throw new IllegalArgumentException("too long for a ustar field: " + s);
    }
    System.arraycopy(b, 0, h, off, b.length);
  }
}
