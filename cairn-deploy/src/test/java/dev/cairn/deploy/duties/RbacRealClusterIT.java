package dev.cairn.deploy.duties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.SourceLocation;
import dev.cairn.deploy.Deployer;
import dev.cairn.deploy.Deployers;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.KubeObject;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The rendered RBAC on the real API server: each duty's ServiceAccount, with a token from the
 * TokenRequest API, can do its job and is refused the rest; then a ClusterRoleBinding to
 * cluster-admin makes {@link Rbac#check} report the excess.
 */
@RealClusterTest
class RbacRealClusterIT {
  @Test
  void renderedRbac_letsEachDutyDoItsJobOnly_andCheckFindsAnExtraGrant(RealCluster cluster)
      throws Exception {
    String ns = cluster.newNamespace("duties");
    String other = cluster.newNamespace("duties-other");
    KubernetesClient admin = cluster.client();
    admin
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db")
                .endMetadata()
                .addToStringData("password", "x")
                .build())
        .create();
    Rbac.Plan plan = Rbac.render(ns);
    ClusterOptions adminOptions = ClusterOptions.of(cluster.kubeconfig());
    try (Deployer d = Deployers.forKubeconfig(adminOptions)) {
      d.apply(
          plan.objects().stream().map(o -> KubeObject.of(o, SourceLocation.of("rbac"))).toList(),
          ns);
    }

    // before anything extra: the cluster grants exactly the plan
    Rbac.Report clean = Rbac.check(adminOptions, ns, other);
    assertThat(clean.excess()).isEmpty();
    assertThat(clean.missing()).isEmpty();
    assertThat(clean.reviews()).isGreaterThan(1000);

    try (KubernetesClient ops = as(cluster, ns, "cairn-ops");
        KubernetesClient viewer = as(cluster, ns, "cairn-viewer");
        KubernetesClient dev = as(cluster, ns, "cairn-dev");
        KubernetesClient sec = as(cluster, ns, "cairn-sec")) {
      // Ops deploys: create and patch its Deployment, read pods and replica sets
      ops.apps().deployments().inNamespace(ns).resource(deployment("web")).create();
      ops.apps()
          .deployments()
          .inNamespace(ns)
          .withName("web")
          .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":2}}");
      assertThat(
              admin
                  .apps()
                  .deployments()
                  .inNamespace(ns)
                  .withName("web")
                  .get()
                  .getSpec()
                  .getReplicas())
          .isEqualTo(2);
      assertThat(ops.pods().inNamespace(ns).list().getItems()).isNotNull();
      assertThat(ops.apps().replicaSets().inNamespace(ns).list().getItems()).isNotNull();
      forbidden(() -> ops.secrets().inNamespace(ns).withName("db").get());
      forbidden(() -> ops.secrets().inNamespace(ns).list());
      forbidden(() -> ops.apps().deployments().inNamespace(ns).withName("web").delete());
      forbidden(
          () -> ops.apps().deployments().inNamespace(other).resource(deployment("x")).create());
      forbidden(() -> ops.apps().deployments().inNamespace(other).list());
      forbidden(() -> ops.pods().inNamespace(ns).withName("p").delete());
      forbidden(() -> ops.rbac().roles().inNamespace(ns).list());

      // Viewer reads workloads, nothing else
      assertThat(viewer.apps().deployments().inNamespace(ns).list().getItems())
          .extracting(x -> x.getMetadata().getName())
          .containsExactly("web");
      forbidden(
          () ->
              viewer
                  .apps()
                  .deployments()
                  .inNamespace(ns)
                  .withName("web")
                  .patch(
                      PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":3}}"));
      forbidden(() -> viewer.secrets().inNamespace(ns).list());
      forbidden(() -> viewer.configMaps().inNamespace(ns).list());
      forbidden(() -> viewer.apps().deployments().inNamespace(other).list());

      // Dev (the build identity) has no Kubernetes verbs at all
      forbidden(() -> dev.pods().inNamespace(ns).list());
      forbidden(() -> dev.apps().deployments().inNamespace(ns).list());
      forbidden(() -> dev.secrets().inNamespace(ns).list());

      // Sec reads what checks read, cluster-wide, but no Secrets and writes nothing
      assertThat(sec.namespaces().list().getItems())
          .extracting(x -> x.getMetadata().getName())
          .contains(ns, other, "kube-system");
      assertThat(sec.apps().deployments().inAnyNamespace().list().getItems()).isNotEmpty();
      assertThat(sec.rbac().clusterRoleBindings().list().getItems()).isNotEmpty();
      forbidden(() -> sec.secrets().inNamespace(ns).list());
      forbidden(() -> sec.secrets().inAnyNamespace().list());
      forbidden(() -> sec.apps().deployments().inNamespace(ns).withName("web").delete());
    }

    // a cluster that grants Ops more: the check says so, naming the binding
    String crb = "too-much-" + ns;
    admin
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
                .withName("cairn-ops")
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
    try {
      Rbac.Report r = Rbac.check(adminOptions, ns, other);
      assertThat(r.missing()).isEmpty();
      assertThat(r.excess()).isNotEmpty().allMatch(f -> f.duty() == Duty.OPS);
      assertThat(r.excess())
          .anySatisfy(
              f -> {
                assertThat(f.verb()).isEqualTo("get");
                assertThat(f.resource()).isEqualTo("secrets");
                assertThat(f.namespace()).isEqualTo(ns);
                assertThat(f.reason()).contains(crb).contains("cluster-admin");
              });
      assertThat(r.excess()).anySatisfy(f -> assertThat(f.verb()).isEqualTo("impersonate"));
      assertThat(r.excess().get(0).describe("may")).startsWith("cairn-ops (Ops) may ");
    } finally {
      admin.rbac().clusterRoleBindings().withName(crb).delete();
    }
  }

  static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("127.0.0.1:5000/app@sha256:" + "ab".repeat(32))
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static void forbidden(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  /** A client that authenticates as the ServiceAccount, with a token from the TokenRequest API. */
  static KubernetesClient as(RealCluster cluster, String ns, String sa) throws Exception {
    String token =
        cluster
            .client()
            .serviceAccounts()
            .inNamespace(ns)
            .withName(sa)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .withAudiences(List.of())
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config adminCfg = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    Config cfg =
        new ConfigBuilder()
            .withMasterUrl(adminCfg.getMasterUrl())
            .withCaCertFile(cluster.caCertificate().toString())
            .withOauthToken(token)
            .build();
    return new KubernetesClientBuilder().withConfig(cfg).build();
  }
}
