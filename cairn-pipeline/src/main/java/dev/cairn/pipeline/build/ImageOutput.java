package dev.cairn.pipeline.build;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Where a built image goes; a build may write several. */
public sealed interface ImageOutput {

  /** An OCI image layout in a tar file ({@code oci-layout}, {@code index.json}, {@code blobs/}). */
  record OciArchive(Path file) implements ImageOutput {}

  /**
   * A Docker archive ({@code docker load} format), with Docker media types: its manifest digest
   * differs from the OCI one.
   *
   * @param reference the name it is tagged with, e.g. {@code app:1}
   */
  record DockerArchive(Path file, String reference) implements ImageOutput {}

  /**
   * A registry.
   *
   * @param reference {@code host[:port]/repository[:tag]}
   * @param auth credentials, or null for none
   * @param insecure whether plain HTTP (or an unverified certificate) is allowed
   */
  record Registry(String reference, @Nullable RegistryAuth auth, boolean insecure)
      implements ImageOutput {}
}
