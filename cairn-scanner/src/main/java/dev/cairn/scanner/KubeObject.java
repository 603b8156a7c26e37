package dev.cairn.scanner;

import dev.cairn.core.SourceLocation;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes object as plain data (maps, lists, strings, {@code Long}, {@code Double}, booleans),
 * with where it came from.
 *
 * @param apiVersion e.g. {@code apps/v1}
 * @param kind e.g. {@code Deployment}
 * @param namespace null for cluster-scoped objects and manifests that name none
 * @param name {@code metadata.name}, or {@code metadata.generateName}, or empty
 * @param content the whole object
 * @param location file and line of a manifest, or {@code cluster:<server>} for a live object
 */
public record KubeObject(
    String apiVersion,
    String kind,
    @Nullable String namespace,
    String name,
    Map<String, Object> content,
    SourceLocation location) {

  public String group() {
    return Kinds.group(apiVersion);
  }

  public String version() {
    return Kinds.version(apiVersion);
  }

  public String resource() {
    return Kinds.resourceOf(group(), kind);
  }

  /** Annotations of {@code metadata.annotations}, empty if none. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> annotations() {
    if (content.get("metadata") instanceof Map<?, ?> md
        && md.get("annotations") instanceof Map<?, ?> a) {
      return (Map<String, Object>) a;
    }
    return Map.of();
  }

  /** {@code Kind namespace/name} for people. */
  public String display() {
    return kind + " " + (namespace == null ? "" : namespace + "/") + name;
  }

  /** Builds one from a parsed map, or returns null if it lacks apiVersion or kind. */
  public static @Nullable KubeObject of(Map<String, Object> content, SourceLocation location) {
    if (!(content.get("apiVersion") instanceof String av)
        || !(content.get("kind") instanceof String kind)
        || av.isBlank()
        || kind.isBlank()) {
      return null;
    }
    String ns = null;
    String name = "";
    if (content.get("metadata") instanceof Map<?, ?> md) {
      if (md.get("namespace") instanceof String s && !s.isEmpty()) {
        ns = s;
      }
      if (md.get("name") instanceof String s) {
        name = s;
      } else if (md.get("generateName") instanceof String s) {
        name = s;
      }
    }
    return new KubeObject(av, kind, ns, name, content, location);
  }
}
