package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live-cluster scanning against fabric8's in-process API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class ClusterScanTest {
  KubernetesClient client;
  KubernetesMockServer server;
  @TempDir Path tmp;

  private Path kubeconfig() throws Exception {
    Path f = tmp.resolve("kubeconfig");
    Files.writeString(
        f,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: %s, insecure-skip-tls-verify: true}}]
        users: [{name: u, user: {token: not-a-real-token}}]
        contexts: [{name: mock, context: {cluster: mock, user: u}}]
        current-context: mock
        """
            .formatted(client.getMasterUrl().toString()));
    return f;
  }

  private void seed() {
    for (int i = 0; i < 7; i++) {
      client
          .pods()
          .inNamespace(i % 2 == 0 ? "team-a" : "team-b")
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("p" + i)
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("c")
                  .withImage("x:1")
                  .withNewSecurityContext()
                  .withPrivileged(i == 3)
                  .endSecurityContext()
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
    client
        .apps()
        .deployments()
        .inNamespace("team-a")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .withHostNetwork(true)
                .addNewContainer()
                .withName("c")
                .withImage("nginx:latest")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private ScanReport scan(ClusterOptions o) throws ScanException {
    CheckSet checks = Checks.builtin();
    return Scanners.create(ScanOptions.defaults().withChecks(checks))
        .scan(List.of(ObjectSources.cluster(o, checks)));
  }

  @Test
  void cluster_allNamespaces_pagedLists() throws Exception {
    seed();
    ScanReport r = scan(new ClusterOptions(kubeconfig(), null, List.of(), 2));
    assertThat(r.objects()).isEqualTo(8);
    CheckResult priv =
        r.results().stream()
            .filter(c -> c.check().id().equals("CRN-102"))
            .findFirst()
            .orElseThrow();
    assertThat(priv.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.object().name()).isEqualTo("p3");
              assertThat(f.object().location().file())
                  .endsWith("/api/v1/namespaces/team-b/pods/p3");
            });
    CheckResult host =
        r.results().stream()
            .filter(c -> c.check().id().equals("CRN-101"))
            .findFirst()
            .orElseThrow();
    assertThat(host.findings()).extracting(f -> f.object().kind()).containsExactly("Deployment");
  }

  @Test
  void cluster_selectedNamespaces_only() throws Exception {
    seed();
    ScanReport r = scan(new ClusterOptions(kubeconfig(), null, List.of("team-b"), 500));
    assertThat(r.objects()).isEqualTo(3);
  }

  @Test
  void cluster_unreachable_failsWithHint() throws Exception {
    Path f = tmp.resolve("dead");
    Files.writeString(
        f,
        "apiVersion: v1\nkind: Config\nclusters: [{name: d, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: d, context: {cluster: d, user: u}}]\ncurrent-context: d\n");
    assertThatThrownBy(() -> scan(new ClusterOptions(f, null, List.of(), 500)))
        .isInstanceOf(ScanException.class)
        .hasMessageContaining("cannot reach the API server at https://127.0.0.1:1")
        .satisfies(e -> assertThat(((ScanException) e).hint()).isPresent())
        .hasMessageNotContaining("not-a-real-token");
  }
}
