package dev.cairn.supplychain.sbom.internal;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.sbom.Component;
import dev.cairn.supplychain.sbom.Limits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Java archives: every {@code META-INF/maven/G/A/pom.properties} is a component (a shaded jar has
 * several); a jar with none is named by its manifest ({@code Bundle-SymbolicName}, {@code
 * Implementation-*}) or file name. Archives inside ({@code BOOT-INF/lib/}, {@code WEB-INF/lib/},
 * any {@code .jar}) are opened in memory, to {@link Limits#maxNestingDepth()}. The jar's own
 * component carries the SHA-256 of the jar; shaded-in ones carry none.
 */
public final class Jars {
  private Jars() {}

  private static final Pattern POM_PROPERTIES =
      Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");
  private static final Pattern FILE_VERSION =
      Pattern.compile("(.+?)-(\\d[\\w.+-]*?)(?:\\.RELEASE|\\.Final)?\\.[jwe]ar");

  public static boolean isArchive(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".jar") || n.endsWith(".war") || n.endsWith(".ear");
  }

  /** The components of the archive in {@code file}, found at {@code location}. */
  public static void read(
      Path file, String location, Limits limits, List<Component> out, List<String> warnings)
      throws IOException {
    Digest sha;
    try (InputStream in = Files.newInputStream(file)) {
      sha = Digest.sha256(in);
    }
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      read(in, sha, fileName(location), location, 0, limits, out, warnings);
    }
  }

  private static String fileName(String location) {
    int bang = location.lastIndexOf('/');
    return bang < 0 ? location : location.substring(bang + 1);
  }

  private record Pom(String group, String artifact, String version, String path) {}

  private static void read(
      InputStream raw,
      Digest sha,
      String fileName,
      String location,
      int depth,
      Limits limits,
      List<Component> out,
      List<String> warnings)
      throws IOException {
    List<Pom> poms = new ArrayList<>();
    Map<String, List<String>> pomLicenses = new LinkedHashMap<>();
    Manifest manifest = null;
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(raw)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (++entries > 200_000) {
          warnings.add(location + ": more than 200000 entries; the rest is not read");
          break;
        }
        String name = e.getName();
        if (e.isDirectory()) {
          continue;
        }
        Matcher m = POM_PROPERTIES.matcher(name);
        if (m.matches()) {
          Properties p = new Properties();
          p.load(
              new java.io.InputStreamReader(
                  bounded(zip, 1 << 20, location + "!/" + name), StandardCharsets.ISO_8859_1));
          String g = p.getProperty("groupId", m.group(1)).strip();
          String a = p.getProperty("artifactId", m.group(2)).strip();
          String v = p.getProperty("version", "").strip();
          if (!g.isEmpty() && !a.isEmpty()) {
            poms.add(new Pom(g, a, v, name));
          }
        } else if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.xml")) {
          String dir = name.substring(0, name.length() - "pom.xml".length());
          pomLicenses.put(
              dir, pomLicenses(bounded(zip, 4 << 20, location + "!/" + name).readAllBytes()));
        } else if (name.equals("META-INF/MANIFEST.MF")) {
          manifest = new Manifest(bounded(zip, 1 << 20, location + "!/" + name));
        } else if (isArchive(name)) {
          String inner = location + "!/" + name;
          if (depth >= limits.maxNestingDepth()) {
            warnings.add(inner + ": nested deeper than " + limits.maxNestingDepth() + "; not read");
            continue;
          }
          byte[] bytes =
              zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxNestedBytes() + 1));
          if (bytes.length > limits.maxNestedBytes()) {
            warnings.add(inner + ": larger than " + limits.maxNestedBytes() + " bytes; not read");
            continue;
          }
          try {
            read(
                new ByteArrayInputStream(bytes),
                Digest.sha256(bytes),
                fileName(name),
                inner,
                depth + 1,
                limits,
                out,
                warnings);
          } catch (IOException | IllegalArgumentException ex) {
            warnings.add(inner + ": not a readable archive (" + ex.getMessage() + ")");
          }
        }
      }
    }
    Map<String, String> hash = Map.of("SHA-256", sha.hex());
    List<String> manifestLicenses = manifestLicenses(manifest);
    if (!poms.isEmpty()) {
      Pom own = own(poms, fileName);
      for (Pom p : poms) {
        List<String> lic =
            new ArrayList<>(
                pomLicenses.getOrDefault(
                    p.path.substring(0, p.path.length() - "pom.properties".length()), List.of()));
        if (p == own) {
          lic.addAll(manifestLicenses);
        }
        out.add(
            new Component(
                Component.Type.LIBRARY,
                p.group,
                p.artifact,
                p.version,
                Purl.of("maven", p.group, p.artifact, p.version, Map.of()),
                lic,
                p == own ? hash : Map.of(),
                List.of(p == own ? location : location + "!/" + p.path),
                "java"));
      }
      return;
    }
    Component c = fromManifest(manifest, fileName, location, hash, manifestLicenses);
    if (c != null) {
      out.add(c);
    }
  }

  /** The pom.properties that is the jar itself: its artifact id names the file, or the only one. */
  private static @Nullable Pom own(List<Pom> poms, String fileName) {
    if (poms.size() == 1) {
      return poms.get(0);
    }
    Pom best = null;
    for (Pom p : poms) {
      if (fileName.startsWith(p.artifact + "-") || fileName.startsWith(p.artifact + ".")) {
        if (best == null || p.artifact.length() > best.artifact.length()) {
          best = p;
        }
      }
    }
    return best;
  }

  private static @Nullable Component fromManifest(
      @Nullable Manifest manifest,
      String fileName,
      String location,
      Map<String, String> hash,
      List<String> licenses) {
    Attributes a = manifest == null ? new Attributes() : manifest.getMainAttributes();
    String bsn = attr(a, "Bundle-SymbolicName");
    int semi = bsn.indexOf(';');
    if (semi >= 0) {
      bsn = bsn.substring(0, semi).strip();
    }
    Matcher fv = FILE_VERSION.matcher(fileName);
    String stem = fv.matches() ? fv.group(1) : fileName.replaceAll("\\.[jwe]ar$", "");
    String name = attr(a, "Implementation-Title");
    if (name.isEmpty() || name.contains(" ")) {
      name = stem;
    }
    String version = attr(a, "Implementation-Version");
    if (version.isEmpty()) {
      version = attr(a, "Bundle-Version");
    }
    if (version.isEmpty() && fv.matches()) {
      version = fv.group(2);
    }
    String group = attr(a, "Implementation-Vendor-Id");
    if (group.isEmpty() && bsn.contains(".")) {
      // org.example.lib: group org.example when the name is its last part, else the whole name
      group = bsn.endsWith("." + name) ? bsn.substring(0, bsn.length() - name.length() - 1) : bsn;
    }
    if (group.isEmpty()) {
      group = name;
    }
    if (name.isEmpty()) {
      return null;
    }
    return new Component(
        Component.Type.LIBRARY,
        group,
        name,
        version,
        Purl.of("maven", group, name, version, Map.of()),
        licenses,
        hash,
        List.of(location),
        "java");
  }

  private static String attr(Attributes a, String key) {
    String v = a.getValue(key);
    return v == null ? "" : v.strip();
  }

  /** {@code Bundle-License}: SPDX ids or URLs, comma-separated, each maybe with {@code ;link=}. */
  private static List<String> manifestLicenses(@Nullable Manifest manifest) {
    if (manifest == null) {
      return List.of();
    }
    String v = attr(manifest.getMainAttributes(), "Bundle-License");
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String p = part.split(";", 2)[0].strip();
      String c = Licenses.clean(p);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  private static final Pattern LICENSE_NAME =
      Pattern.compile("<license>\\s*(?:<!--.*?-->\\s*)*<name>([^<]{1,200})</name>", Pattern.DOTALL);

  /** The {@code <licenses><license><name>} of a pom.xml (read as text: no entities, no DTD). */
  static List<String> pomLicenses(byte[] pom) {
    String text = new String(pom, StandardCharsets.UTF_8);
    int start = text.indexOf("<licenses>");
    int end = text.indexOf("</licenses>");
    if (start < 0 || end < start) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Matcher m = LICENSE_NAME.matcher(text.substring(start, end));
    while (m.find()) {
      String c = Licenses.clean(m.group(1).replace("&amp;", "&"));
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  private static InputStream bounded(InputStream in, int max, String what) throws IOException {
    byte[] b = in.readNBytes(max + 1);
    if (b.length > max) {
      throw new IOException(what + " is larger than " + max + " bytes");
    }
    return new ByteArrayInputStream(b);
  }
}
