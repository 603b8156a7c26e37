package dev.cairn.supplychain.enclave;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import java.util.List;

/**
 * Where a measurement learns what an image is: the pipeline asks the registry, the node's platform
 * service asks containerd, and both must agree for a workload to attest.
 */
@FunctionalInterface
public interface ImageFacts {
  /**
   * The facts of the image {@code reference} names ({@code name@sha256:...}).
   *
   * @throws CairnException when the image can't be found or read
   */
  Image resolve(String reference) throws CairnException;

  /**
   * One image.
   *
   * @param manifest its manifest's digest
   * @param config its config's digest
   * @param entrypoint the config's {@code Entrypoint}
   * @param cmd the config's {@code Cmd}
   */
  record Image(Digest manifest, Digest config, List<String> entrypoint, List<String> cmd) {
    public Image {
      entrypoint = List.copyOf(entrypoint);
      cmd = List.copyOf(cmd);
    }
  }
}
