package dev.cairn.supplychain.sbom.internal;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.sbom.Component;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The operating system's package databases: dpkg's {@code /var/lib/dpkg/status} (and distroless'
 * {@code status.d/}), apk's {@code /lib/apk/db/installed}, and {@code os-release} for the distro.
 */
public final class OsPackages {
  private OsPackages() {}

  /** {@code ID} and {@code VERSION_ID} of {@code os-release}, and its pretty name. */
  public record OsRelease(String id, String versionId, String prettyName) {}

  /** Reads {@code etc/os-release} (or {@code usr/lib/os-release}) under {@code root}. */
  public static @Nullable OsRelease osRelease(Path root) throws IOException {
    for (String p : List.of("etc/os-release", "usr/lib/os-release")) {
      Path f = root.resolve(p);
      if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && Files.size(f) < 64 * 1024) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (eq > 0 && !line.startsWith("#")) {
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
              v = v.substring(1, v.length() - 1);
            }
            kv.put(line.substring(0, eq).strip(), v);
          }
        }
        String id = kv.getOrDefault("ID", "");
        if (!id.isEmpty()) {
          return new OsRelease(
              id.toLowerCase(java.util.Locale.ROOT),
              kv.getOrDefault("VERSION_ID", ""),
              kv.getOrDefault("PRETTY_NAME", id));
        }
      }
    }
    return null;
  }

  /** RFC 822-style stanzas separated by blank lines; continuation lines joined with newlines. */
  static List<Map<String, String>> stanzas(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> cur = new LinkedHashMap<>();
    String last = null;
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank()) {
        if (!cur.isEmpty()) {
          out.add(cur);
          cur = new LinkedHashMap<>();
        }
        last = null;
      } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
        cur.merge(last, "\n" + line.strip(), String::concat);
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          last = line.substring(0, colon).strip();
          cur.put(last, line.substring(colon + 1).strip());
        }
      }
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  /**
   * The installed packages of a dpkg status file ({@code Status: install ok installed}; a
   * distroless {@code status.d/} file has no Status and counts as installed). Licenses from
   * machine-readable {@code /usr/share/doc/PKG/copyright}; the hash is the SHA-256 of the package's
   * {@code md5sums} list where there is one (its file list with each file's MD5), else none.
   */
  public static List<Component> dpkg(
      Path root, Path status, String location, @Nullable OsRelease os, boolean distroless)
      throws IOException {
    String distroId = os == null ? "debian" : os.id();
    String distro = os == null || os.versionId().isEmpty() ? "" : os.id() + "-" + os.versionId();
    List<Component> out = new ArrayList<>();
    for (Map<String, String> s : stanzas(Files.readString(status, StandardCharsets.UTF_8))) {
      String name = s.getOrDefault("Package", "");
      String version = s.getOrDefault("Version", "");
      String st = s.get("Status");
      if (name.isEmpty() || version.isEmpty()) {
        continue;
      }
      if (st != null ? !st.endsWith(" installed") || st.startsWith("deinstall") : !distroless) {
        continue;
      }
      String arch = s.getOrDefault("Architecture", "");
      Map<String, String> q = new LinkedHashMap<>();
      q.put("arch", arch);
      q.put("distro", distro);
      String source = s.getOrDefault("Source", "");
      if (!source.isEmpty()) {
        // "glibc (2.36-9)": the source package at another version
        String srcName = source;
        String srcVersion = "";
        int paren = source.indexOf('(');
        if (paren > 0 && source.endsWith(")")) {
          srcName = source.substring(0, paren).strip();
          srcVersion = source.substring(paren + 1, source.length() - 1).strip();
        }
        if (!srcName.equals(name) || (!srcVersion.isEmpty() && !srcVersion.equals(version))) {
          q.put("upstream", srcVersion.isEmpty() ? srcName : srcName + "@" + srcVersion);
        }
      }
      Map<String, String> hashes = new LinkedHashMap<>();
      Path info = status.getParent();
      List<Path> md5 = new ArrayList<>();
      if (distroless) {
        md5.add(status.resolveSibling(name + ".md5sums"));
      } else if (info != null) {
        md5.add(info.resolve("info").resolve(name + ".md5sums"));
        md5.add(info.resolve("info").resolve(name + ":" + arch + ".md5sums"));
      }
      for (Path m : md5) {
        if (Files.isRegularFile(m, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          hashes.put("SHA-256", Digest.sha256(Files.readAllBytes(m)).hex());
          break;
        }
      }
      out.add(
          new Component(
              Component.Type.LIBRARY,
              null,
              name,
              version,
              Purl.of("deb", distroId, name, version, q),
              debianLicenses(root, name),
              hashes,
              List.of(location),
              "dpkg"));
    }
    return out;
  }

  /** The {@code License:} short names of a machine-readable copyright file, else none. */
  static List<String> debianLicenses(Path root, String pkg) throws IOException {
    Path f = root.resolve("usr/share/doc").resolve(pkg).resolve("copyright");
    if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        || Files.size(f) > 4L << 20) {
      return List.of();
    }
    String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
    if (!text.startsWith("Format:") || !text.contains("copyright-format")) {
      return List.of();
    }
    TreeSet<String> out = new TreeSet<>();
    for (Map<String, String> s : stanzas(text)) {
      String l = s.get("License");
      if (l == null) {
        continue;
      }
      String first = l.split("\n", 2)[0].strip();
      // "GPL-2+ or Artistic": each alternative is a license of the package
      for (String alt : first.split("\\s+(?:or|and|OR|AND)\\s+|,\\s*")) {
        String c = Licenses.clean(alt);
        if (c != null) {
          out.add(c);
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * The packages of an apk database: {@code P} name, {@code V} version, {@code A} arch, {@code L}
   * license, {@code o} origin, {@code C} the control checksum ({@code Q1} + base64 SHA-1, written
   * as SHA-1 hex).
   */
  public static List<Component> apk(Path installed, String location, @Nullable OsRelease os)
      throws IOException {
    String distroId = os == null ? "alpine" : os.id();
    String distro = os == null || os.versionId().isEmpty() ? "" : os.id() + "-" + os.versionId();
    List<Component> out = new ArrayList<>();
    Map<String, String> cur = new LinkedHashMap<>();
    List<String> lines =
        new ArrayList<>(List.of(Files.readString(installed, StandardCharsets.UTF_8).split("\n")));
    lines.add("");
    for (String line : lines) {
      if (line.isBlank()) {
        Component c = apkPackage(cur, distroId, distro, location);
        if (c != null) {
          out.add(c);
        }
        cur = new LinkedHashMap<>();
      } else if (line.length() >= 2 && line.charAt(1) == ':') {
        // repeated keys (F:, R:) keep the first: only single-valued ones are read
        cur.putIfAbsent(line.substring(0, 1), line.substring(2).strip());
      }
    }
    return out;
  }

  private static @Nullable Component apkPackage(
      Map<String, String> p, String distroId, String distro, String location) {
    String name = p.getOrDefault("P", "");
    String version = p.getOrDefault("V", "");
    if (name.isEmpty() || version.isEmpty()) {
      return null;
    }
    Map<String, String> q = new LinkedHashMap<>();
    q.put("arch", p.getOrDefault("A", ""));
    q.put("distro", distro);
    String origin = p.getOrDefault("o", "");
    if (!origin.isEmpty() && !origin.equals(name)) {
      q.put("upstream", origin);
    }
    Map<String, String> hashes = new LinkedHashMap<>();
    String c = p.getOrDefault("C", "");
    if (c.startsWith("Q1")) {
      try {
        byte[] sha1 = Base64.getDecoder().decode(c.substring(2));
        if (sha1.length == 20) {
          hashes.put("SHA-1", HexFormat.of().formatHex(sha1));
        }
      } catch (IllegalArgumentException e) {
        // not base64: no hash rather than a wrong one
      }
    }
    List<String> licenses = new ArrayList<>();
    String l = p.getOrDefault("L", "");
    if (!l.isEmpty()) {
      String lic = l.contains(" ") && !Licenses.isExpression(l) ? l : Licenses.clean(l);
      if (lic != null) {
        licenses.add(lic);
      }
    }
    return new Component(
        Component.Type.LIBRARY,
        null,
        name,
        version,
        Purl.of("apk", distroId, name, version, q),
        licenses,
        hashes,
        List.of(location),
        "apk");
  }
}
