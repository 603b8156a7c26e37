package dev.cairn.bench;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.sbom.Sbom;
import dev.cairn.supplychain.sbom.Sboms;
import dev.cairn.testing.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;

/**
 * SBOM time: a Debian-like image of ~100 packages (a synthesised dpkg status database with its
 * md5sums lists, machine-readable copyright files and each package's files, ~20 MB of them) pushed
 * to a real docker-registry on 127.0.0.1 and read back through it; a Spring Boot-like fat jar with
 * 60 nested jars (catalogued as a file); and both in one two-layer image. Median, min and max of N
 * runs after one warm-up. Run: bench/run sbom [runs] [packages] [nested jars].
 */
public final class SbomBench {
  private SbomBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int packages = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int nested = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    Path dir = Files.createTempDirectory("cairn-sbom-bench");
    LocalRegistry registry = LocalRegistry.plain();
    registry.start(dir.resolve("registry"));
    try {
      OciClient oci = Registries.builder().allowPlainHttp(registry.address()).build();
      byte[] debian = gzip(debianLayer(packages));
      byte[] fat = springBootJar(nested);
      byte[] appLayer = gzip(tar(Map.of("app/app.jar", fat)));
      ImageRef deb =
          push(oci, ImageRef.parse(registry.address() + "/bench/debian:1"), List.of(debian));
      ImageRef both =
          push(oci, ImageRef.parse(registry.address() + "/bench/app:1"), List.of(debian, appLayer));
      Path jarDir = Files.createDirectories(dir.resolve("jar"));
      Files.write(jarDir.resolve("app.jar"), fat);
      Sboms.Options o = Sboms.Options.of(Clock.systemUTC()).withWorkDir(dir.resolve("work"));
      List<String[]> rows = new ArrayList<>();
      rows.add(
          measure(
              "Debian-like image, " + packages + " packages (" + mib(debian.length) + " layer)",
              runs,
              () -> call(() -> Sboms.image(oci, deb, o))));
      rows.add(
          measure(
              "Spring Boot jar, " + nested + " nested jars (" + mib(fat.length) + ")",
              runs,
              () -> call(() -> Sboms.directory(jarDir, o))));
      rows.add(
          measure(
              "image: Debian-like layer + the jar layer",
              runs,
              () -> call(() -> Sboms.image(oci, both, o))));
      System.out.printf(
          "%n%-62s %10s %10s %10s %11s%n",
          "SBOM of", "median ms", "min ms", "max ms", "components");
      for (String[] r : rows) {
        System.out.printf("%-62s %10s %10s %10s %11s%n", (Object[]) r);
      }
      System.out.printf(
          "%n%d runs each after one warm-up; %d cores, Java %s; registry: docker-registry on"
              + " 127.0.0.1%n",
          runs, Runtime.getRuntime().availableProcessors(), Runtime.version());
    } finally {
      registry.stop();
    }
  }

  interface Call {
    Sbom run() throws Exception;
  }

  private static Sbom call(Call c) {
    try {
      return c.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] measure(String what, int runs, Supplier<Sbom> s) {
    Sbom warm = s.get();
    List<Long> ms = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      Sbom sbom = s.get();
      ms.add((System.nanoTime() - t) / 1_000_000);
      if (sbom.components().size() != warm.components().size()) {
        throw new IllegalStateException("runs disagree: " + what);
      }
    }
    Collections.sort(ms);
    System.err.println(what + ": " + ms + " ms");
    return new String[] {
      what,
      Long.toString(ms.get(ms.size() / 2)),
      Long.toString(ms.get(0)),
      Long.toString(ms.get(ms.size() - 1)),
      Integer.toString(warm.components().size())
    };
  }

  private static String mib(long n) {
    return String.format("%.1f MiB", n / 1048576.0);
  }

  /** A root file system of {@code n} packages: status db, md5sums, copyright, ~200 KB each. */
  static byte[] debianLayer(int n) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Random rnd = new Random(42);
    StringBuilder status = new StringBuilder();
    files.put(
        "etc/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
            .getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < n; i++) {
      String p = "pkg" + i;
      String v = "1." + i + "-" + (i % 7) + "+deb12u1";
      status
          .append("Package: ")
          .append(p)
          .append("\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\n")
          .append(i % 3 == 0 ? "Source: src" + i / 3 + " (" + v + ")\n" : "")
          .append("Version: ")
          .append(v)
          .append("\nDescription: synthetic package ")
          .append(i)
          .append("\n long description line\n\n");
      StringBuilder md5 = new StringBuilder();
      for (int f = 0; f < 12; f++) {
        String path = "usr/lib/" + p + "/file" + f + ".dat";
        byte[] content = new byte[16 * 1024];
        rnd.nextBytes(content);
        files.put(path, content);
        md5.append(Digest.sha256(content).hex(), 0, 32).append("  ").append(path).append('\n');
      }
      files.put(
          "var/lib/dpkg/info/" + p + ".md5sums", md5.toString().getBytes(StandardCharsets.UTF_8));
      files.put(
          "usr/share/doc/" + p + "/copyright",
          ("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
                  + "Files: *\nCopyright: 2024 someone\nLicense: "
                  + (i % 2 == 0 ? "GPL-2+" : "MIT")
                  + "\n text\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    files.put("var/lib/dpkg/status", status.toString().getBytes(StandardCharsets.UTF_8));
    return tar(files);
  }

  /** A fat jar: its own pom.properties, classes, and {@code n} stored nested jars. */
  static byte[] springBootJar(int n) throws IOException {
    Random rnd = new Random(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(out)) {
      entry(
          jar,
          "META-INF/maven/com.example/demo/pom.properties",
          "groupId=com.example\nartifactId=demo\nversion=1.0.0\n".getBytes(StandardCharsets.UTF_8),
          false);
      for (int c = 0; c < 200; c++) {
        byte[] cls = new byte[3000];
        rnd.nextBytes(cls);
        entry(jar, "BOOT-INF/classes/com/example/C" + c + ".class", cls, false);
      }
      for (int i = 0; i < n; i++) {
        ByteArrayOutputStream lib = new ByteArrayOutputStream();
        try (JarOutputStream l = new JarOutputStream(lib)) {
          entry(
              l,
              "META-INF/maven/org.example/lib" + i + "/pom.properties",
              ("groupId=org.example\nartifactId=lib" + i + "\nversion=2." + i + ".0\n")
                  .getBytes(StandardCharsets.UTF_8),
              false);
          entry(
              l,
              "META-INF/maven/org.example/lib" + i + "/pom.xml",
              "<project><licenses><license><name>Apache License, Version 2.0</name></license></licenses></project>"
                  .getBytes(StandardCharsets.UTF_8),
              false);
          for (int c = 0; c < 80; c++) {
            byte[] cls = new byte[1500 + rnd.nextInt(3000)];
            for (int k = 0; k < cls.length; k++) {
              cls[k] = (byte) ('a' + rnd.nextInt(8)); // compressible, as class files are
            }
            entry(l, "org/example/lib" + i + "/C" + c + ".class", cls, false);
          }
        }
        entry(jar, "BOOT-INF/lib/lib" + i + "-2." + i + ".0.jar", lib.toByteArray(), true);
      }
    }
    return out.toByteArray();
  }

  private static void entry(JarOutputStream jar, String name, byte[] data, boolean stored)
      throws IOException {
    ZipEntry z = new ZipEntry(name);
    if (stored) {
      z.setMethod(ZipEntry.STORED);
      z.setSize(data.length);
      CRC32 crc = new CRC32();
      crc.update(data);
      z.setCrc(crc.getValue());
    }
    jar.putNextEntry(z);
    jar.write(data);
    jar.closeEntry();
  }

  static byte[] tar(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      header(out, e.getKey(), e.getValue().length);
      out.write(e.getValue());
      out.write(new byte[(512 - e.getValue().length % 512) % 512]);
    }
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  private static void header(OutputStream out, String name, long size) throws IOException {
    byte[] h = new byte[512];
    put(h, 0, name);
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
    out.write(h);
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

  static ImageRef push(OciClient oci, ImageRef ref, List<byte[]> layers) throws Exception {
    List<Object> ls = new ArrayList<>();
    for (byte[] l : layers) {
      Descriptor d = oci.pushBlob(ref, MediaTypes.OCI_LAYER_GZIP, l);
      ls.add(Map.of("mediaType", d.mediaType(), "digest", d.digest().toString(), "size", d.size()));
    }
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    Descriptor c = oci.pushBlob(ref, MediaTypes.OCI_CONFIG, config);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put(
        "config",
        Map.of("mediaType", c.mediaType(), "digest", c.digest().toString(), "size", c.size()));
    m.put("layers", ls);
    Manifest manifest =
        Manifest.of(MediaTypes.OCI_MANIFEST, Json.canonical(m).getBytes(StandardCharsets.UTF_8));
    oci.putManifest(ref, manifest);
    return ref.withDigest(manifest.digest());
  }
}
