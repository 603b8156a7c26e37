package dev.cairn.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A running local control plane (etcd, kube-apiserver, controller-manager, scheduler, a kwok node)
 * started by {@code scripts/test-cluster}, and its {@link RealNode} when a test asks for it. Tests
 * get it from {@link RealClusterExtension}.
 */
public final class RealCluster {
  private final Path dir;
  private final Path kubeconfig;
  private volatile KubernetesClient client;
  private volatile @Nullable RealNode realNode;

  RealCluster(Path dir, Path kubeconfig) {
    this.dir = dir;
    this.kubeconfig = kubeconfig;
    this.client = connect(kubeconfig);
  }

  static KubernetesClient connect(Path kubeconfig) {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kubeconfig of a cluster admin (system:masters). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Kubeconfig of user {@code cairn-viewer}, who has no permissions until a test grants some. */
  public Path viewerKubeconfig() {
    return kubeconfig.resolveSibling("viewer.kubeconfig");
  }

  /** The cluster's CA certificate (PEM). */
  public Path caCertificate() {
    return dir.resolve("pki/ca.crt");
  }

  /** An admin client; shared, do not close. */
  public KubernetesClient client() {
    return client;
  }

  /** Creates a namespace of its own for a test: {@code prefix-xxxxx}. */
  public String newNamespace(String prefix) {
    String name =
        prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** The real node, while a {@code @RealClusterTest(realNode = true)} class runs. */
  public RealNode realNode() {
    RealNode n = realNode;
    if (n == null) {
      throw new IllegalStateException(
          "the real node is not running: annotate the test class with"
              + " @RealClusterTest(realNode = true)");
    }
    return n;
  }

  void realNode(@Nullable RealNode node) {
    this.realNode = node;
  }

  /** The directory {@code scripts/test-cluster} runs the cluster in. */
  Path dir() {
    return dir;
  }

  void close() {
    client.close();
  }
}
