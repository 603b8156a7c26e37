package dev.cairn.supplychain;

import dev.cairn.core.Digest;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The parts of the OCI distribution API that Cairn uses to push images and to read and write
 * signatures, attestations and referrers. Made by {@link Registries}. Every call names its registry
 * and operation in a {@link RegistryException} when it fails; none waits past the client's
 * timeouts.
 */
public interface OciClient {
  /** The manifest's descriptor ({@code HEAD}), or empty when the registry has no such manifest. */
  Optional<Descriptor> headManifest(ImageRef ref) throws RegistryException;

  /**
   * The manifest at {@code ref}'s digest (checked against the bytes) or tag.
   *
   * @throws RegistryException with status 404 when it does not exist
   */
  Manifest getManifest(ImageRef ref) throws RegistryException;

  /** As {@link #getManifest}, empty when the registry has no such manifest. */
  Optional<Manifest> findManifest(ImageRef ref) throws RegistryException;

  /**
   * Puts {@code manifest} at {@code ref}'s tag, or at its own digest when {@code ref} has no tag. A
   * manifest with a {@code subject} is also listed as a referrer of that subject: by the registry,
   * where it answers {@code OCI-Subject}, else in the referrers tag schema's index.
   */
  Descriptor putManifest(ImageRef ref, Manifest manifest) throws RegistryException;

  boolean blobExists(ImageRef repository, Digest digest) throws RegistryException;

  /** Uploads {@code data} in one request (POST then PUT), unless the blob is already there. */
  Descriptor pushBlob(ImageRef repository, String mediaType, byte[] data) throws RegistryException;

  /**
   * Uploads the blob in {@code file} (unless the registry has it) without holding it in memory: its
   * digest is computed as it is read, and it is streamed from disk.
   */
  default Descriptor pushBlob(ImageRef repository, String mediaType, java.nio.file.Path file)
      throws RegistryException {
    byte[] data;
    try {
      data = java.nio.file.Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new RegistryException(
          repository.registry(),
          "push blob " + file,
          0,
          "cannot read " + file + ": " + e.getMessage(),
          "check that the file is still there",
          null,
          e);
    }
    return pushBlob(repository, mediaType, data);
  }

  /** The blob's bytes, checked against {@code digest}. */
  byte[] getBlob(ImageRef repository, Digest digest) throws RegistryException;

  /**
   * Writes the blob to {@code out} (replacing it) without holding it in memory, checked against
   * {@code digest}: a blob that does not match is deleted and refused.
   */
  default void getBlob(ImageRef repository, Digest digest, java.nio.file.Path out)
      throws RegistryException {
    byte[] data = getBlob(repository, digest);
    try {
      java.nio.file.Files.write(out, data);
    } catch (java.io.IOException e) {
      throw new RegistryException(
          repository.registry(),
          "get blob " + digest,
          0,
          "cannot write " + out + ": " + e.getMessage(),
          "check that the directory is writable",
          null,
          e);
    }
  }

  /**
   * The referrers of {@code subject} (which must carry a digest), filtered by {@code artifactType}
   * when it is not null: from the referrers API, or from the referrers tag schema's index when the
   * registry has no referrers API.
   */
  Referrers referrers(ImageRef subject, @Nullable String artifactType) throws RegistryException;

  /**
   * Referrers and where they came from.
   *
   * @param fromTagSchema true when the registry lacks the referrers API and the list came from the
   *     {@code sha256-<hex>} tag
   */
  record Referrers(List<Descriptor> descriptors, boolean fromTagSchema) {
    public Referrers {
      descriptors = List.copyOf(descriptors);
    }
  }
}
