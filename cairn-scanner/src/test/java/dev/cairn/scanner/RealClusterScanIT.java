package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Scanning a real API server (scripts/test-cluster): all and selected namespaces, paging, identity,
 * RBAC.
 */
@RealClusterTest
class RealClusterScanIT {
  private static final String PRIVILEGED =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: agent}
      spec:
        replicas: 1
        selector: {matchLabels: {app: agent}}
        template:
          metadata: {labels: {app: agent}}
          spec:
            containers:
            - name: agent
              image: example.org/agent:1.0
              securityContext: {privileged: true}
      """;

  private static void apply(KubernetesClient c, String ns, String yaml) {
    c.resource(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .inNamespace(ns)
        .create();
  }

  private static ScanReport scan(ClusterOptions o) throws ScanException {
    CheckSet checks = Checks.builtin();
    return Scanners.create(ScanOptions.defaults().withChecks(checks))
        .scan(List.of(ObjectSources.cluster(o, checks)));
  }

  private static List<Finding> findings(ScanReport r, String id, String ns) {
    return r.results().stream()
        .filter(c -> c.check().id().equals(id))
        .findFirst()
        .orElseThrow()
        .findings()
        .stream()
        .filter(f -> ns.equals(f.object().namespace()))
        .toList();
  }

  @Test
  void scan_allNamespaces_findsWorkloadsAndTheirPods(RealCluster cluster) throws Exception {
    String ns = cluster.newNamespace("scan-all");
    apply(cluster.client(), ns, PRIVILEGED);
    // the controller manager makes a ReplicaSet and a Pod, kwok runs it
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> !cluster.client().pods().inNamespace(ns).list().getItems().isEmpty());
    ScanReport r = scan(ClusterOptions.of(cluster.kubeconfig()));
    // the ReplicaSet and the Pod the controllers made are judged through the Deployment
    assertThat(findings(r, "CRN-102", ns))
        .extracting(f -> f.object().kind())
        .containsExactly("Deployment");
    assertThat(r.notices())
        .anyMatch(
            n -> n.message().startsWith("judged ") && n.message().contains("through their owners"));
    assertThat(r.hasInputErrors()).isFalse();
    assertThat(findings(r, "CRN-102", ns).get(0).object().location().file())
        .startsWith("https://127.0.0.1:");
  }

  @Test
  void scan_selectedNamespace_onlyThatNamespace(RealCluster cluster) throws Exception {
    String a = cluster.newNamespace("scan-a");
    String b = cluster.newNamespace("scan-b");
    apply(cluster.client(), a, PRIVILEGED);
    apply(cluster.client(), b, PRIVILEGED);
    ScanReport r = scan(new ClusterOptions(cluster.kubeconfig(), null, List.of(b), 500));
    assertThat(findings(r, "CRN-102", a)).isEmpty();
    assertThat(findings(r, "CRN-102", b)).isNotEmpty();
    assertThat(r.results().stream().flatMap(c -> c.findings().stream()))
        .allSatisfy(f -> assertThat(f.object().namespace()).isEqualTo(b));
  }

  @Test
  void scan_pagesThroughMoreObjectsThanOnePage(RealCluster cluster) throws Exception {
    String ns = cluster.newNamespace("scan-paging");
    for (int i = 0; i < 23; i++) {
      cluster
          .client()
          .configMaps()
          .inNamespace(ns)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("cm-" + i)
                  .endMetadata()
                  .addToData("db_password", "x")
                  .build())
          .create();
    }
    ScanReport r = scan(new ClusterOptions(cluster.kubeconfig(), null, List.of(ns), 5));
    // 23 ConfigMaps read in pages of 5; kube-root-ca.crt, which Kubernetes makes, is left out
    assertThat(findings(r, "CRN-201", ns)).hasSize(23);
    CheckResult c201 =
        r.results().stream()
            .filter(c -> c.check().id().equals("CRN-201"))
            .findFirst()
            .orElseThrow();
    assertThat(c201.objects()).isEqualTo(23);
  }

  @Test
  void systemObjects_areNotTheUsersFindings(RealCluster cluster) throws Exception {
    ScanReport r = scan(ClusterOptions.of(cluster.kubeconfig()));
    // every cluster has Service default/kubernetes and kube-root-ca.crt ConfigMaps
    assertThat(findings(r, "CRN-500", "default"))
        .extracting(f -> f.object().kind() + "/" + f.object().name())
        .doesNotContain("Service/kubernetes", "ConfigMap/kube-root-ca.crt");
    assertThat(r.notices()).anyMatch(n -> n.message().contains("that Kubernetes itself creates"));
  }

  @Test
  void secrets_areReadAsMetadataOnly_noValueReachesASnapshotOrReport(RealCluster cluster)
      throws Exception {
    String ns = cluster.newNamespace("scan-secret");
    String value = "s3cr3t-value-" + System.nanoTime();
    String b64 =
        java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    cluster
        .client()
        .secrets()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("db")
                // kubectl apply keeps the whole object, values included, in this annotation
                .addToAnnotations(
                    "kubectl.kubernetes.io/last-applied-configuration",
                    "{\"stringData\":{\"password\":\"" + value + "\"}}")
                .endMetadata()
                .addToStringData("password", value)
                .build())
        .create();
    java.nio.file.Path dir = Files.createTempDirectory("cairn-secret");
    java.nio.file.Path snap = dir.resolve("snapshot.json");
    Snapshots.take(ClusterOptions.of(cluster.kubeconfig()), snap, java.time.Instant.now());
    ScanReport r = scan(new ClusterOptions(cluster.kubeconfig(), null, List.of(ns), 500));
    java.nio.file.Path report = dir.resolve("report.json");
    Reports.write(r, ReportFormat.JSON, report);
    for (java.nio.file.Path f : List.of(snap, report)) {
      assertThat(Files.readString(f)).as(f.toString()).doesNotContain(value).doesNotContain(b64);
    }
    // the Secret is there, as metadata: CRN-500 still judges where it lives
    assertThat(Files.readString(snap)).contains("\"name\":\"db\"");
  }

  @Test
  void identity_isKubeSystemUidAndTheRealApiServerCa(RealCluster cluster) throws Exception {
    ClusterIdentity id = Clusters.identity(ClusterOptions.of(cluster.kubeconfig()));
    String uid = cluster.client().namespaces().withName("kube-system").get().getMetadata().getUid();
    byte[] der =
        CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(cluster.caCertificate()))
            .getEncoded();
    assertThat(id.kubeSystemUid()).isEqualTo(uid);
    assertThat(id.caFingerprint()).isEqualTo(Digest.sha256(der));
    assertThat(id.server()).startsWith("https://127.0.0.1:");
    assertThat(Clusters.identity(ClusterOptions.of(cluster.kubeconfig()))).isEqualTo(id);
  }

  @Test
  void readOnlyUser_canScanButIsRefusedWrites(RealCluster cluster) throws Exception {
    String ns = cluster.newNamespace("scan-rbac");
    apply(cluster.client(), ns, PRIVILEGED);
    // without any permission: every list is refused, and the report says so as an input error
    ScanReport denied =
        scan(new ClusterOptions(cluster.viewerKubeconfig(), null, List.of(ns), 500));
    assertThat(denied.hasInputErrors()).isTrue();
    assertThat(denied.notices())
        .anyMatch(n -> n.message().startsWith("forbidden: cannot list Deployment objects"));
    // grant exactly the read-only rules Cairn asks for (cairn checks rbac): a clean scan
    io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder role =
        new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
            .withNewMetadata()
            .withName("cairn-scanner-" + ns)
            .endMetadata();
    Checks.builtin()
        .readOnlyResources()
        .forEach(
            (group, resources) ->
                role.addNewRule()
                    .withApiGroups(group)
                    .withResources(List.copyOf(resources))
                    .withVerbs("get", "list")
                    .endRule());
    cluster.client().rbac().clusterRoles().resource(role.build()).create();
    cluster
        .client()
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("cairn-scanner-" + ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cairn-scanner-" + ns)
                .addNewSubject()
                .withKind("User")
                .withName("cairn-viewer")
                .withApiGroup("rbac.authorization.k8s.io")
                .endSubject()
                .build())
        .create();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ScanReport r =
                  scan(new ClusterOptions(cluster.viewerKubeconfig(), null, List.of(ns), 500));
              assertThat(r.hasInputErrors()).as("%s", r.notices()).isFalse();
              assertThat(findings(r, "CRN-102", ns)).isNotEmpty();
            });
    try (KubernetesClient viewer =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                io.fabric8.kubernetes.client.Config.fromKubeconfig(
                    Files.readString(cluster.viewerKubeconfig())))
            .build()) {
      assertThatThrownBy(
              () -> apply(viewer, ns, PRIVILEGED.replace("name: agent}", "name: agent2}")))
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
    Objects.requireNonNull(ns);
  }
}
