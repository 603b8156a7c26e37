package dev.cairn.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * An image for pods on the real node, made here since nothing can be pulled: one layer with Debian
 * busybox-static's {@code /bin/busybox} (every applet linked in {@code /bin}), a static {@code
 * /bin/pause} compiled with gcc, {@code /etc/passwd}, {@code /etc/group} and {@code /tmp}. The
 * layer is built once per busybox binary and cached in {@code ~/.cache/cairn/images}; the config
 * (environment, command, labels) is per image, so {@link #withLabel} makes a new digest over the
 * same layer, e.g. for a rolling update. {@link #push} puts it into a plain-HTTP {@link
 * LocalRegistry}, from which the node's containerd pulls it.
 *
 * <pre>{@code String ref = PodImage.busybox().push(registry, "test/busybox:1");}</pre>
 */
public final class PodImage {
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Object BUILD_LOCK = new Object();

  private final Path layer;
  private final String layerDigest;
  private final String diffId;
  private final List<String> env;
  private final List<String> cmd;
  private final Map<String, String> labels;

  private PodImage(
      Path layer,
      String layerDigest,
      String diffId,
      List<String> env,
      List<String> cmd,
      Map<String, String> labels) {
    this.layer = layer;
    this.layerDigest = layerDigest;
    this.diffId = diffId;
    this.env = List.copyOf(env);
    this.cmd = List.copyOf(cmd);
    this.labels = Map.copyOf(labels);
  }

  /**
   * The busybox image ({@code PATH=/bin}, command {@code /bin/sh}), installing busybox-static and
   * gcc with apt-get when missing; the layer is built on first use and then read from the cache.
   */
  public static PodImage busybox() throws IOException {
    synchronized (BUILD_LOCK) {
      DebianPackages.ensure("busybox-static", BUSYBOX);
      byte[] busybox = Files.readAllBytes(BUSYBOX);
      Path dir = cacheRoot().resolve("busybox-" + sha256(busybox).substring(0, 16) + "-layer1");
      Path layer = dir.resolve("layer.tar.gz");
      Path ids = dir.resolve("digests");
      if (!Files.exists(layer) || !Files.exists(ids)) {
        buildLayer(dir, busybox);
      }
      List<String> d = Files.readAllLines(ids, StandardCharsets.UTF_8);
      return new PodImage(
          layer, d.get(0), d.get(1), List.of("PATH=/bin"), List.of("/bin/sh"), Map.of());
    }
  }

  /** The same image with one more label in its config: a different digest, the same layer. */
  public PodImage withLabel(String key, String value) {
    Map<String, String> l = new TreeMap<>(labels);
    l.put(key, value);
    return new PodImage(layer, layerDigest, diffId, env, cmd, l);
  }

  /**
   * Pushes the image to {@code registry} (plain HTTP only) as {@code repository:tag}; returns the
   * reference pinned to the manifest's digest, {@code 127.0.0.1:PORT/repository@sha256:...}.
   */
  public String push(LocalRegistry registry, String repositoryAndTag) throws IOException {
    if (!registry.plainHttp()) {
      throw new IllegalArgumentException(
          "PodImage pushes to a plain-HTTP LocalRegistry only (the node pulls without credentials)");
    }
    int colon = repositoryAndTag.lastIndexOf(':');
    if (colon <= 0 || repositoryAndTag.indexOf('/', colon) >= 0) {
      throw new IllegalArgumentException("expected REPOSITORY:TAG, got " + repositoryAndTag);
    }
    String repo = repositoryAndTag.substring(0, colon);
    String tag = repositoryAndTag.substring(colon + 1);
    byte[] config = config();
    String configDigest = "sha256:" + sha256(config);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST_TYPE);
    manifest.put("config", descriptor(CONFIG_TYPE, configDigest, config.length));
    manifest.put("layers", List.of(descriptor(LAYER_TYPE, layerDigest, Files.size(layer))));
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    HttpClient http = registry.client();
    URI base = registry.baseUri();
    try {
      putBlob(http, base, repo, configDigest, HttpRequest.BodyPublishers.ofByteArray(config));
      putBlob(http, base, repo, layerDigest, HttpRequest.BodyPublishers.ofFile(layer));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/" + tag))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", MANIFEST_TYPE)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(manifestBytes))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IOException(
            "the registry refused the manifest of "
                + repositoryAndTag
                + ": "
                + r.statusCode()
                + " "
                + r.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted pushing " + repositoryAndTag, e);
    }
    return registry.address() + "/" + repo + "@sha256:" + sha256(manifestBytes);
  }

  private static Map<String, Object> descriptor(String type, String digest, long size) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("mediaType", type);
    d.put("digest", digest);
    d.put("size", size);
    return d;
  }

  private byte[] config() throws IOException {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("Env", env);
    c.put("Cmd", cmd);
    if (!labels.isEmpty()) {
      c.put("Labels", new TreeMap<>(labels));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("created", "1970-01-01T00:00:00Z");
    root.put("architecture", "amd64");
    root.put("os", "linux");
    root.put("config", c);
    root.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(diffId)));
    return JSON.writeValueAsBytes(root);
  }

  private static void putBlob(
      HttpClient http, URI base, String repo, String digest, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    HttpResponse<Void> head =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/" + digest))
                .timeout(Duration.ofSeconds(30))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (head.statusCode() == 200) {
      return;
    }
    HttpResponse<Void> start =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    String location = start.headers().firstValue("Location").orElse("");
    if (start.statusCode() != 202 || location.isEmpty()) {
      throw new IOException("the registry did not start an upload: " + start.statusCode());
    }
    URI upload = base.resolve(location);
    String sep = upload.getRawQuery() == null ? "?" : "&";
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + digest))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/octet-stream")
                .PUT(body)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new IOException(
          "the registry refused blob " + digest + ": " + put.statusCode() + " " + put.body());
    }
  }

  // ------------------------------------------------------------------ the layer

  static Path cacheRoot() {
    return Path.of(System.getProperty("user.home"), ".cache", "cairn", "images");
  }

  private static void buildLayer(Path dir, byte[] busybox) throws IOException {
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory(dir, "build-");
    try {
      byte[] pause = compilePause(work);
      Tar tar = new Tar();
      tar.dir("bin/", 0755);
      tar.dir("etc/", 0755);
      tar.dir("tmp/", 01777);
      tar.file("bin/busybox", busybox, 0755);
      tar.file("bin/pause", pause, 0755);
      for (String applet : applets()) {
        if (!applet.equals("busybox")) {
          tar.link("bin/" + applet, "busybox");
        }
      }
      tar.file(
          "etc/passwd",
          "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
              .getBytes(StandardCharsets.UTF_8),
          0644);
      tar.file("etc/group", "root:x:0:\nnogroup:x:65534:\n".getBytes(StandardCharsets.UTF_8), 0644);
      byte[] raw = tar.finish();
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (OutputStream o = new GZIPOutputStream(gz)) {
        o.write(raw);
      }
      byte[] compressed = gz.toByteArray();
      Path layerTmp = work.resolve("layer.tar.gz");
      Files.write(layerTmp, compressed);
      Path idsTmp = work.resolve("digests");
      Files.writeString(idsTmp, "sha256:" + sha256(compressed) + "\nsha256:" + sha256(raw) + "\n");
      Files.move(
          layerTmp,
          dir.resolve("layer.tar.gz"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          idsTmp,
          dir.resolve("digests"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      deleteTree(work);
    }
  }

  /**
   * {@code scripts/pause.c} (the node's sandbox uses it too), {@code gcc -Os -static}, stripped.
   */
  private static byte[] compilePause(Path work) throws IOException {
    DebianPackages.ensure("gcc", Path.of("/usr/bin/gcc"));
    DebianPackages.ensure("libc6-dev", Path.of("/usr/include/stdio.h"));
    Path src = RealClusterExtension.script().resolveSibling("pause.c");
    Path bin = work.resolve("pause");
    run(List.of("gcc", "-Os", "-static", "-s", "-o", bin.toString(), src.toString()));
    return Files.readAllBytes(bin);
  }

  private static List<String> applets() throws IOException {
    return List.of(run(List.of(BUSYBOX.toString(), "--list")).split("\n")).stream()
        .map(String::strip)
        .filter(a -> a.matches("[a-z0-9_.\\[-]+") && !a.contains(".."))
        .sorted()
        .distinct()
        .toList();
  }

  private static String run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + cmd.get(0), e);
    }
    return out;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A ustar archive in entry order, everything owned by 0:0 at time 0 (reproducible). */
  private static final class Tar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void dir(String name, int mode) {
      header(name, 0, mode, '5', "");
    }

    void file(String name, byte[] content, int mode) {
      header(name, content.length, mode, '0', "");
      out.writeBytes(content);
      out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    void link(String name, String target) {
      header(name, 0, 0777, '2', target);
    }

    byte[] finish() {
      out.writeBytes(new byte[1024]);
      return out.toByteArray();
    }

    private void header(String name, long size, int mode, char type, String link) {
      if (name.length() > 100 || link.length() > 100) {
        throw new IllegalArgumentException("tar name too long: " + name);
      }
      byte[] h = new byte[512];
      put(h, 0, name);
      put(h, 100, String.format("%07o", mode));
      put(h, 108, "0000000");
      put(h, 116, "0000000");
      put(h, 124, String.format("%011o", size));
      put(h, 136, String.format("%011o", 0));
      for (int i = 148; i < 156; i++) {
        h[i] = ' ';
      }
      h[156] = (byte) type;
      put(h, 157, link);
      put(h, 257, "ustar");
      h[262] = 0;
      put(h, 263, "00");
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      put(h, 148, String.format("%06o", sum));
      h[154] = 0;
      h[155] = ' ';
      out.writeBytes(h);
    }

    private static void put(byte[] h, int at, String s) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, h, at, b.length);
    }
  }
}
