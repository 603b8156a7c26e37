package dev.cairn.supplychain;

import dev.cairn.core.Digest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An OCI content descriptor: what a manifest, index or referrers list says about one piece of
 * content.
 *
 * @param artifactType the artifact's type where it has one (referrers), else null
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    @Nullable String artifactType,
    Map<String, String> annotations) {
  public Descriptor {
    if (size < 0) {
      throw new IllegalArgumentException("a descriptor's size is not negative: " + size);
    }
    annotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, null, Map.of());
  }

  public Optional<String> artifactTypeIfAny() {
    return Optional.ofNullable(artifactType);
  }

  public Descriptor withAnnotations(Map<String, String> a) {
    return new Descriptor(mediaType, digest, size, artifactType, a);
  }

  public Descriptor withArtifactType(@Nullable String type) {
    return new Descriptor(mediaType, digest, size, type, annotations);
  }
}
