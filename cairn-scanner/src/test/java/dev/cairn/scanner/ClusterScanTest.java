package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live-cluster failures a real API server can't be made to show on demand, on fabric8's mock
 * server: an injected 500, and an unreachable server. Normal scanning is tested against a real API
 * server in RealClusterScanIT.
 */
@EnableKubernetesMockClient
class ClusterScanTest {
  KubernetesClient client;
  KubernetesMockServer server;
  @TempDir Path tmp;

  private Path kubeconfig(String url) throws Exception {
    Path f = tmp.resolve("kubeconfig");
    Files.writeString(
        f,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: '%s', insecure-skip-tls-verify: true}}]
        users: [{name: u, user: {token: not-a-real-token}}]
        contexts: [{name: mock, context: {cluster: mock, user: u}}]
        current-context: mock
        """
            .formatted(url));
    return f;
  }

  private static ScanReport scan(ClusterOptions o) throws ScanException {
    CheckSet checks = Checks.builtin().select(java.util.Set.of(Framework.PSS_BASELINE));
    return Scanners.create(ScanOptions.defaults().withChecks(checks))
        .scan(List.of(ObjectSources.cluster(o, checks)));
  }

  @Test
  void cluster_serverError_failsWithTheServersMessageAndAHint() throws Exception {
    server
        .expect()
        .get()
        .withPath("/api/v1/pods?limit=500")
        .andReturn(
            500,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"etcdserver: leader changed\",\"code\":500}")
        .always();
    assertThatThrownBy(() -> scan(ClusterOptions.of(kubeconfig(client.getMasterUrl().toString()))))
        .isInstanceOf(ScanException.class)
        .hasMessageContaining("answered 500 to list /api/v1/pods: etcdserver: leader changed")
        .satisfies(
            e ->
                assertThat(((ScanException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("readyz")));
  }

  @Test
  void cluster_unreachable_failsWithHintAndNoCredentials() throws Exception {
    assertThatThrownBy(() -> scan(ClusterOptions.of(kubeconfig("https://127.0.0.1:1"))))
        .isInstanceOf(ScanException.class)
        .hasMessageContaining("cannot reach the API server at https://127.0.0.1:1")
        .hasMessageNotContaining("not-a-real-token")
        .satisfies(e -> assertThat(((ScanException) e).hint()).isPresent());
  }

  @Test
  void cluster_badKubeconfig_isAClearError() throws Exception {
    Path f = tmp.resolve("broken");
    Files.writeString(f, "clusters: [oops");
    assertThatThrownBy(() -> scan(ClusterOptions.of(f)))
        .isInstanceOf(ScanException.class)
        .hasMessageContaining("invalid kubeconfig");
    assertThatThrownBy(() -> scan(ClusterOptions.of(tmp.resolve("missing"))))
        .isInstanceOf(ScanException.class)
        .hasMessageContaining("cannot read kubeconfig");
  }
}
