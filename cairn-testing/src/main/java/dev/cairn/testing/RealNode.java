package dev.cairn.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The machine's one real worker node in the run's cluster, started by {@code scripts/test-cluster
 * node up}: kubelet, Debian's containerd and runc, pods on the bridge {@code rn0} ({@value
 * #ADDRESS}/24) inside this machine. Nothing is forwarded off that bridge, pods have no default
 * route, and containerd pulls only from 127.0.0.1 (e.g. a plain {@link LocalRegistry} with a {@link
 * PodImage} pushed to it). The node is tainted {@value #TAINT}{@code :NoSchedule}, so pods of other
 * tests stay on kwok nodes; pods in a namespace made by {@link #newNamespace} run on it. Tests get
 * it with {@code @RealClusterTest(realNode = true)} and a {@code RealNode} parameter or {@link
 * RealCluster#realNode()}.
 */
public final class RealNode {
  /** The node's name ({@code kubernetes.io/hostname}). */
  public static final String NAME = "realnode-0";

  /** The node's address on its bridge; pods can reach the host only there. */
  public static final String ADDRESS = "10.88.0.1";

  /** The key of the node's {@code NoSchedule} taint (and of a label it carries). */
  public static final String TAINT = "cairn.dev/real-node";

  private final RealCluster cluster;
  private final Path dir;

  RealNode(RealCluster cluster, Path dir) {
    this.cluster = cluster;
    this.dir = dir;
  }

  public String name() {
    return NAME;
  }

  public String address() {
    return ADDRESS;
  }

  /** The cluster the node belongs to. */
  public RealCluster cluster() {
    return cluster;
  }

  /** A node selector for this node, for pods outside a {@link #newNamespace} namespace. */
  public Map<String, String> nodeSelector() {
    return Map.of("kubernetes.io/hostname", NAME);
  }

  /**
   * Creates a namespace whose pods all run on the real node, unchanged manifests included: the API
   * server's PodNodeSelector and PodTolerationRestriction admission plugins add this node's
   * selector and a toleration of its taint to every pod created there.
   */
  public String newNamespace(String prefix) {
    String name =
        prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
    cluster
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToAnnotations(
                    "scheduler.alpha.kubernetes.io/node-selector", "kubernetes.io/hostname=" + NAME)
                .addToAnnotations(
                    "scheduler.alpha.kubernetes.io/defaultTolerations",
                    "[{\"key\":\""
                        + TAINT
                        + "\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]")
                .endMetadata()
                .build())
        .create();
    return name;
  }

  /** A log of the node's: {@code kubelet}, {@code containerd} or {@code egress-proxy}. */
  public Path log(String component) {
    return dir.resolve("log").resolve(component + ".log");
  }
}
