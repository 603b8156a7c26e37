package dev.cairn.scanner;

import dev.cairn.scanner.internal.ClusterReader;

/** Facts about a live cluster, read through its kubeconfig. */
public final class Clusters {
  private Clusters() {}

  /**
   * Reads the identity of the cluster behind {@code options}: the kube-system UID from the API
   * server and the CA certificate the kubeconfig trusts (the TLS handshake proves the server holds
   * a certificate from that CA).
   */
  public static ClusterIdentity identity(ClusterOptions options) throws ScanException {
    return ClusterReader.identity(options);
  }
}
