package dev.cairn.supplychain.sbom.internal;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
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
import org.jspecify.annotations.Nullable;

/**
 * npm: {@code package-lock.json} (lockfile v1's nested {@code dependencies}; v2 and v3's {@code
 * packages}, the root project left out, links skipped) with the tarball's {@code integrity} as its
 * hash; and installed {@code node_modules/<name>/package.json} files, hashed by their SHA-256.
 */
public final class Npm {
  private Npm() {}

  /** Whether {@code rel} is the package.json of an installed package, not a file inside one. */
  public static boolean isInstalledPackageJson(String rel) {
    if (!rel.endsWith("/package.json")) {
      return false;
    }
    int nm = rel.lastIndexOf("node_modules/");
    if (nm < 0) {
      return false;
    }
    String tail = rel.substring(nm + "node_modules/".length());
    String[] parts = tail.split("/");
    return parts.length == 2 && !parts[0].startsWith(".")
        || parts.length == 3 && parts[0].startsWith("@");
  }

  public static List<Component> lock(Path file, String location) throws IOException {
    Map<String, Object> doc = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
    List<Component> out = new ArrayList<>();
    if (doc.get("packages") instanceof Map<?, ?> packages) {
      for (Map.Entry<?, ?> e : packages.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (key.isEmpty() || !(e.getValue() instanceof Map<?, ?> p)) {
          continue; // the project itself
        }
        if (Boolean.TRUE.equals(p.get("link"))) {
          continue;
        }
        int nm = key.lastIndexOf("node_modules/");
        String name = p.get("name") instanceof String n ? n : nm < 0 ? key : key.substring(nm + 13);
        Component c = component(name, p, location, null);
        if (c != null) {
          out.add(c);
        }
      }
    } else if (doc.get("dependencies") instanceof Map<?, ?> deps) {
      v1(deps, location, out, 0);
    }
    return out;
  }

  private static void v1(Map<?, ?> deps, String location, List<Component> out, int depth) {
    if (depth > 64) {
      return;
    }
    for (Map.Entry<?, ?> e : deps.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> p) {
        Component c = component(String.valueOf(e.getKey()), p, location, null);
        if (c != null) {
          out.add(c);
        }
        if (p.get("dependencies") instanceof Map<?, ?> inner) {
          v1(inner, location, out, depth + 1);
        }
      }
    }
  }

  public static @Nullable Component installed(Path file, String location) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Map<String, Object> p = Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
    if (!(p.get("name") instanceof String name)) {
      return null;
    }
    return component(name, p, location, Digest.sha256(bytes));
  }

  private static @Nullable Component component(
      String name, Map<?, ?> p, String location, @Nullable Digest fileHash) {
    if (!(p.get("version") instanceof String version) || version.isEmpty() || name.isEmpty()) {
      return null;
    }
    if (version.startsWith("file:") || version.startsWith("link:")) {
      return null;
    }
    String ns = null;
    String n = name;
    if (name.startsWith("@") && name.contains("/")) {
      ns = name.substring(0, name.indexOf('/'));
      n = name.substring(name.indexOf('/') + 1);
    }
    List<String> licenses = new ArrayList<>();
    Object lic = p.get("license");
    if (lic instanceof String s) {
      add(licenses, s);
    } else if (lic instanceof Map<?, ?> m && m.get("type") instanceof String t) {
      add(licenses, t);
    }
    if (p.get("licenses") instanceof List<?> ls) {
      for (Object o : ls) {
        if (o instanceof Map<?, ?> m && m.get("type") instanceof String t) {
          add(licenses, t);
        } else if (o instanceof String s) {
          add(licenses, s);
        }
      }
    }
    Map<String, String> hashes = new LinkedHashMap<>();
    if (p.get("integrity") instanceof String integrity) {
      for (String sri : integrity.split("\\s+")) {
        int dash = sri.indexOf('-');
        if (dash < 0) {
          continue;
        }
        String alg =
            switch (sri.substring(0, dash)) {
              case "sha512" -> "SHA-512";
              case "sha384" -> "SHA-384";
              case "sha256" -> "SHA-256";
              case "sha1" -> "SHA-1";
              default -> null;
            };
        try {
          if (alg != null) {
            hashes.put(
                alg, HexFormat.of().formatHex(Base64.getDecoder().decode(sri.substring(dash + 1))));
          }
        } catch (IllegalArgumentException e) {
          // a malformed integrity: no hash rather than a wrong one
        }
      }
    }
    if (fileHash != null) {
      hashes.putIfAbsent("SHA-256", fileHash.hex());
    }
    return new Component(
        Component.Type.LIBRARY,
        null,
        name,
        version,
        Purl.of("npm", ns, n, version, Map.of()),
        licenses,
        hashes,
        List.of(location),
        "npm");
  }

  private static void add(List<String> licenses, String s) {
    String t = s.strip();
    if (t.startsWith("(") && t.endsWith(")")) {
      t = t.substring(1, t.length() - 1);
    }
    String c = Licenses.isExpression(t) ? t : Licenses.clean(t);
    if (c != null) {
      licenses.add(c);
    }
  }
}
