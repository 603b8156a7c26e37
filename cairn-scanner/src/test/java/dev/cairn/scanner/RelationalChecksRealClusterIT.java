package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Relational checks against a real API server (scripts/test-cluster): collections listed with the
 * objects the checks match, effective RBAC with aggregation done by the real controller manager.
 * Each test makes its own namespace and cluster-scoped objects named after it, and deletes them.
 */
@RealClusterTest
class RelationalChecksRealClusterIT {
  private static void apply(KubernetesClient c, String yaml) {
    c.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).create();
  }

  private static void delete(KubernetesClient c, String yaml) {
    c.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).delete();
  }

  private static ScanReport scan(RealCluster cluster, String... ids) throws ScanException {
    CheckSet checks = Checks.builtin().filter(List.of(ids), List.of());
    return Scanners.create(ScanOptions.defaults().withChecks(checks))
        .scan(List.of(ObjectSources.cluster(ClusterOptions.of(cluster.kubeconfig()), checks)));
  }

  /** Names of the objects check {@code id} failed (kind/namespace/name). */
  private static List<String> failed(ScanReport r, String id) {
    return r.results().stream()
        .filter(c -> c.check().id().equals(id))
        .findFirst()
        .orElseThrow()
        .findings()
        .stream()
        .filter(f -> f.state() == Finding.State.FAILED)
        .map(f -> f.object().kind() + "/" + f.object().name())
        .toList();
  }

  @Test
  void namespaceWithoutNetworkPolicy_fails_thenPassesOnceOneIsAdded(RealCluster cluster)
      throws Exception {
    String ns = cluster.newNamespace("rel-netpol");
    try {
      assertThat(failed(scan(cluster, "CRN-521"), "CRN-521")).contains("Namespace/" + ns);
      apply(
          cluster.client(),
          """
          apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: deny-all, namespace: %s}
          spec: {podSelector: {}, policyTypes: [Ingress]}
          """
              .formatted(ns));
      ScanReport after = scan(cluster, "CRN-521");
      assertThat(failed(after, "CRN-521")).doesNotContain("Namespace/" + ns);
      assertThat(after.results().get(0).passed()).isPositive();
    } finally {
      cluster.client().namespaces().withName(ns).delete();
    }
  }

  @Test
  void clusterRoleBindingGrantingEscalate_fails(RealCluster cluster) throws Exception {
    String name = "rel-escalate-" + Long.toString(System.nanoTime(), 36);
    String yaml =
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: %1$s}
        rules:
          - apiGroups: [rbac.authorization.k8s.io]
            resources: [clusterroles]
            verbs: [escalate]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: %1$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %1$s}
        subjects: [{kind: User, name: %1$s-user, apiGroup: rbac.authorization.k8s.io}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: %1$s-view}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: User, name: %1$s-user, apiGroup: rbac.authorization.k8s.io}]
        """
            .formatted(name);
    apply(cluster.client(), yaml);
    try {
      List<String> failed = failed(scan(cluster, "CRN-514"), "CRN-514");
      assertThat(failed)
          .contains("ClusterRoleBinding/" + name)
          .doesNotContain("ClusterRoleBinding/" + name + "-view");
    } finally {
      delete(cluster.client(), yaml);
    }
  }

  @Test
  void aggregatedClusterRole_isResolved(RealCluster cluster) throws Exception {
    String name = "rel-aggregate-" + Long.toString(System.nanoTime(), 36);
    String ns = cluster.newNamespace("rel-aggregate");
    // the aggregate has no rules of its own: a binding to it grants what the parts it selects grant
    String yaml =
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: %1$s}
        aggregationRule:
          clusterRoleSelectors:
            - matchLabels: {test.cairn.dev/aggregate-to: %1$s}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: %1$s-part
          labels: {test.cairn.dev/aggregate-to: %1$s}
        rules:
          - apiGroups: [""]
            resources: [pods]
            verbs: [create]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: %1$s, namespace: %2$s}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %1$s}
        subjects: [{kind: ServiceAccount, name: deployer, namespace: %2$s}]
        """
            .formatted(name, ns);
    apply(cluster.client(), yaml);
    try {
      assertThat(failed(scan(cluster, "CRN-511"), "CRN-511")).contains("RoleBinding/" + name);
      // and a binding to the bootstrap aggregated role "edit", which Cairn does not judge itself,
      // still resolves to what edit aggregates (create pods, from the system aggregate-to roles)
      apply(
          cluster.client(),
          """
          apiVersion: rbac.authorization.k8s.io/v1
          kind: RoleBinding
          metadata: {name: %1$s-edit, namespace: %2$s}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
          subjects: [{kind: User, name: %1$s-user, apiGroup: rbac.authorization.k8s.io}]
          """
              .formatted(name, ns));
      assertThat(failed(scan(cluster, "CRN-511"), "CRN-511"))
          .contains("RoleBinding/" + name + "-edit");
    } finally {
      delete(cluster.client(), yaml);
      cluster.client().namespaces().withName(ns).delete();
    }
  }
}
