package dev.cairn.supplychain;

import dev.cairn.core.Digest;

/**
 * A manifest or index as the registry stores it: the exact bytes (whose SHA-256 is its digest) and
 * its media type.
 */
public record Manifest(String mediaType, byte[] bytes, Digest digest) {
  public Manifest {
    bytes = bytes.clone();
  }

  /** A manifest from its bytes; its digest is computed. */
  public static Manifest of(String mediaType, byte[] bytes) {
    return new Manifest(mediaType, bytes, Digest.sha256(bytes));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public Descriptor descriptor() {
    return new Descriptor(mediaType, digest, bytes.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && m.mediaType.equals(mediaType) && m.digest.equals(digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[" + mediaType + " " + digest + ", " + bytes.length + " bytes]";
  }
}
