package dev.cairn.scanner;

import dev.cairn.core.SourceLocation;
import org.jspecify.annotations.Nullable;

/** Which object a finding is about, and where it was read from. */
public record ObjectRef(
    String apiVersion,
    String kind,
    @Nullable String namespace,
    String name,
    SourceLocation location) {

  public static ObjectRef of(KubeObject o) {
    return new ObjectRef(o.apiVersion(), o.kind(), o.namespace(), o.name(), o.location());
  }

  /** {@code Kind namespace/name}. */
  public String display() {
    return kind + " " + (namespace == null ? "" : namespace + "/") + name;
  }
}
