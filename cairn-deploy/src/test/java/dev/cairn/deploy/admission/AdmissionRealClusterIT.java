package dev.cairn.deploy.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real test cluster's kube-apiserver calls the webhook on 127.0.0.1 over TLS: in an enforced
 * namespace a Pod and a Deployment with an unsigned image are denied with the reason, a Pod by tag
 * is denied "by tag", a verified Pod is admitted; an unenforced namespace is untouched; with the
 * webhook stopped, creation in an enforced namespace is denied (failurePolicy Fail).
 */
@RealClusterTest
class AdmissionRealClusterIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;

  static Pod pod(String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  static Deployment deployment(String name, String image) {
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
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static String denial(Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      return String.valueOf(e.getMessage());
    }
    throw new AssertionError("the API server admitted it");
  }

  @Test
  void apiServer_callsTheWebhook_deniesWithTheReason_andFailsClosedWhenItIsGone(RealCluster cluster)
      throws Exception {
    KeyPair key = CosignKeys.generate();
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    ImageRef repo = ImageRef.parse(REGISTRY.address() + "/team/app:v1");
    ImageRef good = SignedImages.signed(oci, repo, key, "it-good");
    ImageRef unsigned = SignedImages.unsigned(oci, repo, "it-unsigned");
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
    KubernetesClient k = cluster.client();
    String enforced = cluster.newNamespace("adm-on");
    String open = cluster.newNamespace("adm-off");
    k.namespaces()
        .withName(enforced)
        .edit(
            n -> {
              n.getMetadata()
                  .setLabels(
                      Map.of(WebhookConfiguration.ENFORCE_LABEL, "true", "cairn.dev/test", id));
              return n;
            });
    WebhookTls tls =
        WebhookTls.loadOrCreate(
            dir.resolve("tls"), java.util.List.of("127.0.0.1"), Clock.systemUTC());
    Admission admission = Admission.builder(SignedImages.trusting(key), oci).build();
    AdmissionServer server = AdmissionServer.serve(admission, tls, "127.0.0.1", 0);
    String name = "cairn-admission-it-" + id;
    WebhookConfiguration config =
        WebhookConfiguration.of(server.uri(), tls.caPem())
            .withName(name)
            .withTimeoutSeconds(5)
            // this run's namespace only: other tests share the cluster
            .withNamespaceLabels(
                Map.of(WebhookConfiguration.ENFORCE_LABEL, "true", "cairn.dev/test", id));
    try {
      k.resource(config.yaml()).create();
      // the API server picks a new configuration up within a second or so
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () ->
                  assertThatThrownBy(
                          () ->
                              k.pods()
                                  .inNamespace(enforced)
                                  .resource(pod("probe-" + System.nanoTime(), unsigned.toString()))
                                  .create())
                      .isInstanceOf(KubernetesClientException.class));

      String denied =
          denial(
              () ->
                  k.pods()
                      .inNamespace(enforced)
                      .resource(pod("unsigned", unsigned.toString()))
                      .create());
      assertThat(denied)
          .contains("admission webhook \"" + name + ".cairn.dev\" denied the request")
          .contains(
              "cairn admission denied Pod "
                  + enforced
                  + "/unsigned: container \"app\": image "
                  + unsigned
                  + " not verified: signature: ");

      String byTag =
          denial(
              () ->
                  k.pods().inNamespace(enforced).resource(pod("tagged", repo.toString())).create());
      assertThat(byTag).contains("container \"app\": image " + repo + " is by tag");

      String deploy =
          denial(
              () ->
                  k.apps()
                      .deployments()
                      .inNamespace(enforced)
                      .resource(deployment("api", unsigned.toString()))
                      .create());
      assertThat(deploy)
          .contains(
              "cairn admission denied Deployment "
                  + enforced
                  + "/api: container \"app\": image "
                  + unsigned);

      Pod ok = k.pods().inNamespace(enforced).resource(pod("verified", good.toString())).create();
      assertThat(ok.getMetadata().getUid()).isNotEmpty();
      Deployment okDeploy =
          k.apps()
              .deployments()
              .inNamespace(enforced)
              .resource(deployment("api", good.toString()))
              .create();
      assertThat(okDeploy.getMetadata().getUid()).isNotEmpty();

      // an unenforced namespace is untouched
      assertThat(
              k.pods()
                  .inNamespace(open)
                  .resource(pod("unsigned", unsigned.toString()))
                  .create()
                  .getMetadata()
                  .getUid())
          .isNotEmpty();

      // fail closed: the webhook is gone, and the API server denies
      server.close();
      String gone =
          denial(
              () ->
                  k.pods().inNamespace(enforced).resource(pod("after", good.toString())).create());
      assertThat(gone).contains("failed calling webhook \"" + name + ".cairn.dev\"");
      assertThat(k.pods().inNamespace(open).resource(pod("after", unsigned.toString())).create())
          .isNotNull();
    } finally {
      server.close();
      admission.close();
      k.resource(config.yaml()).delete();
      k.namespaces().withName(enforced).delete();
      k.namespaces().withName(open).delete();
    }
  }
}
