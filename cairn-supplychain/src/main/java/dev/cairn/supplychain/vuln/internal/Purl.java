package dev.cairn.supplychain.vuln.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A package URL ({@code pkg:type/namespace/name@version?qualifiers#subpath}), its parts
 * percent-decoded.
 *
 * @param type the lower-case type, e.g. {@code deb}
 * @param namespace the namespace, empty when there is none ({@code debian}, a Maven group, an npm
 *     scope with its {@code @}, a Go module path's leading segments)
 * @param name the name
 * @param version the version, empty when there is none
 * @param qualifiers the qualifiers, keys lower case
 */
public record Purl(
    String type, String namespace, String name, String version, Map<String, String> qualifiers) {
  public Purl {
    qualifiers = java.util.Collections.unmodifiableMap(new TreeMap<>(qualifiers));
  }

  /**
   * Parses a purl.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static Purl parse(String text) {
    String s = text.strip();
    if (!s.regionMatches(true, 0, "pkg:", 0, 4)) {
      throw new IllegalArgumentException("not a package URL (no pkg: scheme): " + text);
    }
    s = s.substring(4);
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    Map<String, String> q = new TreeMap<>();
    int qm = s.indexOf('?');
    if (qm >= 0) {
      for (String kv : s.substring(qm + 1).split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          q.put(kv.substring(0, eq).toLowerCase(Locale.ROOT), decode(kv.substring(eq + 1)));
        }
      }
      s = s.substring(0, qm);
    }
    String version = "";
    int at = s.lastIndexOf('@');
    int slash = s.lastIndexOf('/');
    if (at > slash) {
      version = decode(s.substring(at + 1));
      s = s.substring(0, at);
    }
    int firstSlash = s.indexOf('/');
    if (firstSlash <= 0) {
      throw new IllegalArgumentException("a package URL needs a type and a name: " + text);
    }
    String type = s.substring(0, firstSlash).toLowerCase(Locale.ROOT);
    String path = s.substring(firstSlash + 1);
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    int last = path.lastIndexOf('/');
    String name = decode(path.substring(last + 1));
    StringBuilder ns = new StringBuilder();
    if (last > 0) {
      for (String seg : path.substring(0, last).split("/")) {
        if (!seg.isEmpty()) {
          ns.append(ns.length() == 0 ? "" : "/").append(decode(seg));
        }
      }
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a package URL needs a name: " + text);
    }
    return new Purl(type, ns.toString(), name, version, q);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
