package dev.cairn.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user can do about an error, by name and with its values, so that each edge words it in its
 * own terms (the CLI names its flags and commands; the server its fields and endpoints). The
 * exception's hint is the same advice in words that name no edge.
 *
 * @param id what to do, e.g. {@code kubeconfig.unreadable}
 * @param args the values the wording needs
 */
public record Fix(String id, Map<String, String> args) {
  public Fix {
    args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
  }

  /** A fix with {@code key, value, key, value…}. */
  public static Fix of(String id, String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values come in pairs");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Fix(id, m);
  }

  /** The value of {@code key}, or empty. */
  public String arg(String key) {
    return args.getOrDefault(key, "");
  }
}
