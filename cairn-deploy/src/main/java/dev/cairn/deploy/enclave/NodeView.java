package dev.cairn.deploy.enclave;

import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.ScanException;
import dev.cairn.supplychain.enclave.ImageFacts;
import java.nio.file.Path;

/** A node's pods and images, as its platform service sees them. */
public interface NodeView extends PodDirectory, ImageFacts, AutoCloseable {
  @Override
  void close();

  /**
   * The node whose container runtime answers CRI on {@code endpoint} (e.g. {@code
   * unix:///run/containerd/containerd.sock}), asked through {@code crictl}, with the pods' specs
   * from the API server {@code cluster} names (read access to pods and runtime classes).
   */
  static NodeView cri(Path crictl, String endpoint, ClusterOptions cluster) throws ScanException {
    return new dev.cairn.deploy.internal.CriPods(crictl, endpoint, cluster);
  }
}
