package dev.cairn.supplychain.sbom.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Package URLs as the purl specification writes them: {@code pkg:type/namespace/name@version?
 * qualifiers}, each part percent-encoded except for the unreserved characters, qualifiers sorted by
 * key and left out when empty.
 */
public final class Purl {
  private Purl() {}

  /**
   * A package URL.
   *
   * @param namespace {@code /}-separated segments, each encoded; null or empty for none
   * @param version empty for none
   */
  public static String of(
      String type,
      @Nullable String namespace,
      String name,
      String version,
      Map<String, String> qualifiers) {
    StringBuilder b = new StringBuilder("pkg:").append(type).append('/');
    if (namespace != null && !namespace.isEmpty()) {
      for (String seg : namespace.split("/")) {
        if (!seg.isEmpty()) {
          b.append(encode(seg)).append('/');
        }
      }
    }
    b.append(encode(name));
    if (!version.isEmpty()) {
      b.append('@').append(encode(version));
    }
    TreeMap<String, String> q = new TreeMap<>();
    qualifiers.forEach(
        (k, v) -> {
          if (!v.isEmpty()) {
            q.put(k.toLowerCase(java.util.Locale.ROOT), v);
          }
        });
    char sep = '?';
    for (Map.Entry<String, String> e : q.entrySet()) {
      b.append(sep).append(e.getKey()).append('=').append(encodeQualifier(e.getValue()));
      sep = '&';
    }
    return b.toString();
  }

  /** Percent-encodes all but {@code A-Z a-z 0-9 . - _ ~}. */
  public static String encode(String s) {
    return encode(s, false);
  }

  /** As {@link #encode}, keeping {@code /} (a qualifier such as {@code repository_url}). */
  static String encodeQualifier(String s) {
    return encode(s, true);
  }

  private static String encode(String s, boolean keepSlash) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '-'
          || c == '_'
          || c == '~'
          || (keepSlash && c == '/')) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        b.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  /**
   * Python's normalised project name (PEP 503): lower case, runs of {@code -_.} as one {@code -}.
   */
  public static String pypiName(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-");
  }
}
