package dev.cairn.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.KubeObject;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply against the real API server, and a read-only user refused with a clear error.
 */
@RealClusterTest
class DeployerRealClusterIT {
  static KubeObject configMap(String ns, String name) {
    Map<String, Object> o =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "ConfigMap",
            "metadata",
            Map.of("name", name, "namespace", ns),
            "data",
            Map.of("k", "v"));
    return KubeObject.of(o, SourceLocation.of("test"));
  }

  @Test
  void apply_createsNamespaceAndObjects_andIsIdempotent(RealCluster cluster) throws Exception {
    String ns = "deploy-" + Long.toString(System.nanoTime(), 36);
    try (Deployer d = Deployers.forKubeconfig(ClusterOptions.of(cluster.kubeconfig()))) {
      d.apply(List.of(configMap(ns, "a"), configMap(ns, "b")), "default");
      d.apply(List.of(configMap(ns, "a")), "default");
    }
    assertThat(cluster.client().configMaps().inNamespace(ns).list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .contains("a", "b");
    assertThat(
            cluster
                .client()
                .configMaps()
                .inNamespace(ns)
                .withName("a")
                .get()
                .getMetadata()
                .getManagedFields())
        .anySatisfy(f -> assertThat(f.getManager()).isEqualTo("cairn"));
  }

  @Test
  void apply_asReadOnlyUser_isRefusedWithAClearError(RealCluster cluster) throws Exception {
    String ns = cluster.newNamespace("deploy-ro");
    try (Deployer d = Deployers.forKubeconfig(ClusterOptions.of(cluster.viewerKubeconfig()))) {
      assertThatThrownBy(() -> d.apply(List.of(configMap(ns, "x")), "default"))
          .isInstanceOf(CairnException.class)
          .hasMessageStartingWith("the API server forbade an apply")
          .satisfies(
              e ->
                  assertThat(((CairnException) e).hint())
                      .hasValueSatisfying(h -> assertThat(h).contains("permission")));
    }
    assertThat(cluster.client().configMaps().inNamespace(ns).withName("x").get()).isNull();
  }
}
