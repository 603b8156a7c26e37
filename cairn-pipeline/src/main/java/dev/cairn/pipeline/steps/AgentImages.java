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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.spi.ToolProvider;
import java.util.zip.GZIPOutputStream;

/**
 * The attestation agent's image, made from the Cairn that runs (nothing is pulled, so it works
 * air-gapped): one layer with a Java runtime linked by {@code jlink} from this JDK ({@code
 * /opt/java}), the shared libraries it needs from this machine ({@code ldd}), and the agent's jars
 * ({@code /opt/cairn/lib}); entrypoint {@code java ... dev.cairn.agent.Agent}, user 0 (it writes
 * into the pod's memory volume, then exits). The layer is reproducible (entries sorted, owned by
 * 0:0 at time 0) and cached by what went into it, so the same Cairn on the same JDK makes the same
 * digest.
 */
public final class AgentImages {
  /** The modules the agent's runtime holds. */
  static final List<String> MODULES = List.of("java.base", "java.logging", "java.xml", "java.sql");

  private static final String MAIN = "dev.cairn.agent.Agent";

  private AgentImages() {}

  /**
   * Builds the agent's image (or takes it from {@code cache}) and pushes it to {@code repository}.
   *
   * @return the image by digest
   */
  public static ImageRef push(OciClient oci, ImageRef repository, Path cache, Consumer<String> log)
      throws CairnException {
    Built b = build(cache, log);
    Descriptor layer = oci.pushBlob(repository, MediaTypes.OCI_LAYER_GZIP, b.layer());
    Descriptor config = oci.pushBlob(repository, MediaTypes.OCI_CONFIG, b.config());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("config", descriptor(config));
    m.put("layers", List.of(descriptor(layer)));
    Manifest manifest =
        Manifest.of(MediaTypes.OCI_MANIFEST, Json.canonical(m).getBytes(StandardCharsets.UTF_8));
    ImageRef tagged = repository.withTag("agent-" + manifest.digest().hex().substring(0, 12));
    oci.putManifest(tagged, manifest);
    return repository.atDigest(manifest.digest());
  }

  private static Map<String, Object> descriptor(Descriptor d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mediaType", d.mediaType());
    m.put("digest", d.digest().toString());
    m.put("size", d.size());
    return m;
  }

  /** The layer (gzip, on disk) and the config of the agent's image. */
  record Built(Path layer, byte[] config) {}

  static Built build(Path cache, Consumer<String> log) throws CairnException {
    try {
      List<Path> jars = agentClassPath();
      StringBuilder key = new StringBuilder(Runtime.version().toString()).append('\n');
      key.append(String.join(",", MODULES)).append('\n');
      for (Path j : jars) {
        key.append(Files.isDirectory(j) ? treeDigest(j) : Digest.sha256(Files.readAllBytes(j)))
            .append('\n');
      }
      String id = Digest.sha256(key.toString()).hex().substring(0, 16);
      Path dir = cache.resolve("agent-" + id);
      Path layer = dir.resolve("layer.tar.gz");
      Path diffIdFile = dir.resolve("diff-id");
      if (!Files.exists(layer) || !Files.exists(diffIdFile)) {
        log.accept("building the attestation agent's image (jlink, once per Cairn and JDK)");
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, "build-");
        try {
          Path runtime = work.resolve("java");
          jlink(runtime);
          Map<String, Path> files = new TreeMap<>();
          addTree(files, "opt/java", runtime);
          for (Path lib : sharedLibraries(runtime)) {
            files.put(lib.toString().substring(1), lib);
          }
          int i = 0;
          for (Path j : jars) {
            Path jar = Files.isDirectory(j) ? jarOf(j, work.resolve("classes-" + i + ".jar")) : j;
            files.put(String.format("opt/cairn/lib/%02d-%s", i++, jarName(j)), jar);
          }
          Path tmpLayer = work.resolve("layer.tar.gz");
          String diffId = writeLayer(files, tmpLayer);
          Files.writeString(work.resolve("diff-id"), diffId);
          Files.move(work.resolve("diff-id"), diffIdFile, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmpLayer, layer, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          deleteTree(work);
        }
      }
      String diffId = Files.readString(diffIdFile).strip();
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("architecture", "amd64");
      cfg.put("os", "linux");
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("User", "0:0");
      c.put("Env", List.of("PATH=/opt/java/bin:/usr/bin:/bin"));
      c.put(
          "Entrypoint",
          List.of(
              "/opt/java/bin/java",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Xshare:auto",
              "-cp",
              "/opt/cairn/lib/*",
              MAIN));
      c.put("Labels", Map.of("dev.cairn.agent", "1"));
      cfg.put("config", c);
      cfg.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(diffId)));
      return new Built(layer, Json.canonical(cfg).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CairnException(
          "cannot build the attestation agent's image: " + e.getMessage(),
          "check that " + cache + " is writable and that this Java is a JDK (it needs jlink)",
          e);
    }
  }

  /** The class path the agent needs: its module, core, attest and their libraries. */
  static List<Path> agentClassPath() throws IOException {
    Set<Path> out = new java.util.LinkedHashSet<>();
    ClassLoader loader = AgentImages.class.getClassLoader();
    for (String c :
        List.of(
            "dev.cairn.agent.Agent",
            "dev.cairn.attest.AttestationHttp",
            "dev.cairn.core.Json",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.core.JsonFactory",
            "com.fasterxml.jackson.annotation.JsonProperty",
            "org.snakeyaml.engine.v2.api.Load",
            "org.bouncycastle.jce.provider.BouncyCastleProvider",
            "org.jspecify.annotations.Nullable")) {
      String resource = c.replace('.', '/') + ".class";
      java.net.URL url = loader.getResource(resource);
      if (url == null) {
        throw new IOException("cannot find " + c + " on Cairn's class path");
      }
      String u = url.toString();
      try {
        if (u.startsWith("jar:")) {
          out.add(Path.of(new java.net.URI(u.substring(4, u.indexOf("!/")))));
        } else {
          String path = Path.of(url.toURI()).toString();
          out.add(Path.of(path.substring(0, path.length() - resource.length() - 1)));
        }
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
    }
    return new ArrayList<>(out);
  }

  private static void jlink(Path out) throws IOException {
    ToolProvider jlink =
        ToolProvider.findFirst("jlink")
            .orElseThrow(() -> new IOException("this Java has no jlink (a JRE, not a JDK)"));
    java.io.StringWriter msg = new java.io.StringWriter();
    java.io.PrintWriter pw = new java.io.PrintWriter(msg);
    int rc =
        jlink.run(
            pw,
            pw,
            "--add-modules",
            String.join(",", MODULES),
            "--strip-debug",
            "--no-man-pages",
            "--no-header-files",
            "--compress=zip-6",
            "--output",
            out.toString());
    if (rc != 0) {
      throw new IOException("jlink failed: " + msg.toString().strip());
    }
  }

  /** The host's shared libraries the runtime's binaries link against (and the loader). */
  private static Set<Path> sharedLibraries(Path runtime) throws IOException {
    Set<Path> libs = new TreeSet<>();
    List<Path> objects = new ArrayList<>();
    try (var s = Files.walk(runtime)) {
      s.filter(p -> p.toString().endsWith(".so") || p.toString().contains("/bin/"))
          .filter(Files::isRegularFile)
          .forEach(objects::add);
    }
    for (Path o : objects) {
      Process p = new ProcessBuilder("ldd", o.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      for (String line : out.split("\n")) {
        String t = line.strip();
        String path = null;
        int arrow = t.indexOf("=> ");
        if (arrow >= 0) {
          path = t.substring(arrow + 3).split(" ")[0];
        } else if (t.startsWith("/")) {
          path = t.split(" ")[0];
        }
        if (path != null && path.startsWith("/") && !path.startsWith(runtime.toString())) {
          // the path and every link on the way to the file: /lib64/ld-linux-x86-64.so.2 links
          // to /lib/x86_64-linux-gnu/..., which the image must hold too
          Path lib = Path.of(path);
          for (int hops = 0; hops < 8; hops++) {
            libs.add(lib);
            if (!Files.isSymbolicLink(lib)) {
              break;
            }
            Path target = Files.readSymbolicLink(lib);
            Path dir = lib.getParent();
            lib = target.isAbsolute() || dir == null ? target : dir.resolve(target).normalize();
          }
          Path real = Path.of(path).toRealPath();
          libs.add(real);
        }
      }
    }
    return libs;
  }

  private static void addTree(Map<String, Path> files, String prefix, Path root)
      throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.toList()) {
        String rel = root.relativize(p).toString();
        files.put(rel.isEmpty() ? prefix : prefix + "/" + rel, p);
      }
    }
  }

  private static String jarName(Path p) {
    String n = p.getFileName().toString();
    if (!Files.isDirectory(p)) {
      return n;
    }
    // a module's target/classes in a build: named by the module
    Path module = p.toAbsolutePath().getParent();
    module = module == null ? null : module.getParent();
    return (module == null || module.getFileName() == null ? n : module.getFileName()) + ".jar";
  }

  private static Path jarOf(Path classes, Path out) throws IOException {
    try (var s = Files.walk(classes);
        JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out))) {
      for (Path p : s.sorted().toList()) {
        if (Files.isRegularFile(p)) {
          JarEntry e = new JarEntry(classes.relativize(p).toString().replace('\\', '/'));
          e.setTime(0);
          jar.putNextEntry(e);
          Files.copy(p, jar);
          jar.closeEntry();
        }
      }
    }
    return out;
  }

  private static Digest treeDigest(Path dir) throws IOException {
    StringBuilder b = new StringBuilder();
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted().toList()) {
        if (Files.isRegularFile(p)) {
          b.append(dir.relativize(p))
              .append(' ')
              .append(Digest.sha256(Files.readAllBytes(p)))
              .append('\n');
        }
      }
    }
    return Digest.sha256(b.toString());
  }

  /** Writes the files as a reproducible ustar layer, gzipped; returns its diff id. */
  private static String writeLayer(Map<String, Path> files, Path out) throws IOException {
    var sha = Digest.newSha256();
    try (OutputStream file = Files.newOutputStream(out);
        GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16);
        OutputStream tar =
            new BufferedOutputStream(new java.security.DigestOutputStream(gz, sha), 1 << 16);
        dev.cairn.core.TarWriter w = new dev.cairn.core.TarWriter(tar)) {
      Set<String> dirs = new TreeSet<>();
      for (String name : files.keySet()) {
        for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
          dirs.add(name.substring(0, i));
        }
      }
      w.directory("tmp", 01777);
      for (String d : dirs) {
        if (!files.containsKey(d)) {
          w.directory(d, 0755);
        }
      }
      for (Map.Entry<String, Path> e : files.entrySet()) {
        Path p = e.getValue();
        String name = e.getKey();
        if (Files.isSymbolicLink(p)) {
          w.symlink(name, Files.readSymbolicLink(p).toString());
        } else if (Files.isDirectory(p)) {
          w.directory(name, 0755);
        } else {
          w.file(name, p);
        }
      }
    }
    return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
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
}
