package dev.cairn.scanner.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.ScanException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kubeconfig's context must exist (fabric8 would fall back to the in-cluster default). */
class ClusterContextTest {
  @TempDir Path tmp;

  private Path kubeconfig(String current) throws Exception {
    return Files.writeString(
        tmp.resolve("kc.yaml"),
        "apiVersion: v1\nkind: Config\ncurrent-context: "
            + current
            + "\ncontexts:\n  - name: prod\n    context: {cluster: prod, user: admin}\n"
            + "clusters:\n  - name: prod\n    cluster: {server: 'https://127.0.0.1:1'}\n"
            + "users:\n  - name: admin\n    user: {token: x}\n");
  }

  @Test
  void missingCurrentContext_failsInsteadOfTheInClusterDefault() throws Exception {
    Path kc = kubeconfig("nope");
    assertThatThrownBy(() -> ClusterReader.connect(ClusterOptions.of(kc)))
        .isInstanceOf(ScanException.class)
        .hasMessage("context \"nope\" not found in " + kc);
  }

  @Test
  void missingNamedContext_fails_andAnExistingOneConnects() throws Exception {
    Path kc = kubeconfig("prod");
    assertThatThrownBy(
            () -> ClusterReader.connect(new ClusterOptions(kc, "staging", List.of(), 500)))
        .hasMessage("context \"staging\" not found in " + kc)
        .satisfies(
            e ->
                assertThat(((ScanException) e).fix())
                    .hasValueSatisfying(f -> assertThat(f.id()).isEqualTo("kubeconfig.context")));
    try (var client = ClusterReader.connect(ClusterOptions.of(kc))) {
      assertThat(client.getMasterUrl().toString()).startsWith("https://127.0.0.1:1");
    }
  }

  @Test
  void ownedAndSystemObjects_areNamed() {
    Map<String, Object> pod =
        Map.of(
            "metadata",
            Map.of(
                "name",
                "agent-x",
                "ownerReferences",
                List.of(Map.of("kind", "DaemonSet", "name", "agent", "controller", true))));
    assertThat(ClusterReader.skipReason(pod, "Pod")).isEqualTo("owned");
    Map<String, Object> operated =
        Map.of(
            "metadata",
            Map.of(
                "name",
                "db-0",
                "ownerReferences",
                List.of(Map.of("kind", "PostgresCluster", "name", "db", "controller", true))));
    assertThat(ClusterReader.skipReason(operated, "Pod")).isNull();
    assertThat(
            ClusterReader.skipReason(
                Map.of("metadata", Map.of("name", "kubernetes", "namespace", "default")),
                "Service"))
        .isEqualTo("system");
    assertThat(
            ClusterReader.skipReason(
                Map.of("metadata", Map.of("name", "kubernetes", "namespace", "shop")), "Service"))
        .isNull();
  }

  @Test
  void secretMetadata_dropsValuesAndTheLastAppliedAnnotation() {
    Map<String, Object> secret = new java.util.HashMap<>();
    Map<String, Object> annotations = new java.util.HashMap<>();
    annotations.put("kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{}}");
    annotations.put("team", "db");
    Map<String, Object> md = new java.util.HashMap<>(Map.of("name", "db"));
    md.put("annotations", annotations);
    secret.put("apiVersion", "meta.k8s.io/v1");
    secret.put("kind", "PartialObjectMetadata");
    secret.put("metadata", md);
    secret.put("data", Map.of("password", "c2VjcmV0"));
    ClusterReader.secretMetadata(secret);
    assertThat(secret).containsOnlyKeys("apiVersion", "kind", "metadata");
    assertThat(secret).containsEntry("kind", "Secret").containsEntry("apiVersion", "v1");
    assertThat(annotations).containsOnlyKeys("team");
  }
}
