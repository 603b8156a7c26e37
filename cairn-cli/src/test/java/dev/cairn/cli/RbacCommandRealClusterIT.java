package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CliTest.Run;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn rbac render} applied to the real API server; {@code cairn rbac check} exit codes.
 */
@RealClusterTest
class RbacCommandRealClusterIT {
  @TempDir Path tmp;

  @Test
  void check_exitsZeroOnTheRenderedRbac_andOneNamingAnExtraClusterAdminBinding(RealCluster cluster)
      throws Exception {
    String ns = cluster.newNamespace("rbac-cli");
    Path rbac = tmp.resolve("rbac.yaml");
    Run render = CliTest.run(tmp, "rbac", "render", "--namespace", ns, "-o", rbac.toString());
    assertThat(render.code()).as(render.err()).isZero();
    try (var in = java.nio.file.Files.newInputStream(rbac)) {
      cluster.client().load(in).serverSideApply();
    }
    String kc = cluster.kubeconfig().toString();
    Run clean = CliTest.run(tmp, "rbac", "check", "--kubeconfig", kc, "--namespace", ns);
    assertThat(clean.code()).as(clean.out() + clean.err()).isZero();
    assertThat(clean.out()).endsWith(": 0 excess, 0 missing\n");

    String crb = "extra-" + ns;
    cluster
        .client()
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(crb)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("cairn-viewer")
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
    try {
      Run excess = CliTest.run(tmp, "rbac", "check", "--kubeconfig", kc, "--namespace", ns);
      assertThat(excess.code()).isEqualTo(1);
      assertThat(excess.out())
          .contains("excess: cairn-viewer (Viewer) may get secrets in namespace " + ns)
          .contains(crb);
      assertThat(excess.out()).doesNotContain("excess: cairn-ops");
    } finally {
      cluster.client().rbac().clusterRoleBindings().withName(crb).delete();
    }
    Run missing = CliTest.run(tmp, "rbac", "check", "--kubeconfig", kc, "--namespace", "nowhere");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out())
        .contains("missing: cairn-ops (Ops) may not patch apps/deployments in namespace nowhere");
  }
}
