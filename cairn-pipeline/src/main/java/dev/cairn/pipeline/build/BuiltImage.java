package dev.cairn.pipeline.build;

import dev.cairn.core.Digest;
import java.util.List;

/**
 * A built image.
 *
 * @param digest the digest of its OCI manifest (what {@code image@digest} names)
 * @param configDigest the digest of its configuration (the image id)
 * @param layers its layers, base first
 * @param size the bytes a registry stores for it: compressed layers and configuration
 * @param builder {@code jib-core} or {@code buildah}
 * @param pushed each registry output as {@code reference@digest}
 */
public record BuiltImage(
    Digest digest,
    Digest configDigest,
    List<Layer> layers,
    long size,
    String builder,
    List<String> pushed) {
  public BuiltImage {
    layers = List.copyOf(layers);
    pushed = List.copyOf(pushed);
  }

  /**
   * One layer.
   *
   * @param digest the digest of the compressed blob
   * @param size its size in bytes
   * @param mediaType its media type
   */
  public record Layer(Digest digest, long size, String mediaType) {}
}
