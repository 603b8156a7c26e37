package dev.cairn.deploy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.CairnHome;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.PodImage;
import dev.cairn.testing.RealClusterTest;
import dev.cairn.testing.RealNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts on the real node, from images pushed by tag to a registry on 127.0.0.1: an image that
 * serves HTTP becomes Ready; one whose process exits and one whose readiness never passes fail the
 * rollout with the reason named and are rolled back, the old pod serving throughout; history and
 * pin hold across a new engine.
 */
@RealClusterTest(realNode = true)
class RolloutRealNodeIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  static String v1;
  static String v2;
  static OciClient oci;

  @BeforeAll
  static void pushImages() throws Exception {
    PodImage base = PodImage.busybox();
    base.push(REGISTRY, "test/web:1");
    base.withLabel("version", "2").push(REGISTRY, "test/web:2");
    v1 = REGISTRY.address() + "/test/web:1";
    v2 = REGISTRY.address() + "/test/web:2";
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
  }

  private static RolloutEngine engine(Path home) {
    return Rollouts.engine(Rollouts.fileHistory(CairnHome.of(home)), oci, null, Clock.systemUTC());
  }

  private static TargetConfig target(RealNode node, String name, Duration deadline) {
    String ns = node.newNamespace(name);
    return TargetConfig.of(name, node.cluster().kubeconfig(), ns).withDeadline(deadline);
  }

  private static List<Pod> readyPods(KubernetesClient k, String ns) {
    return k.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
        .filter(
            p ->
                p.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
        .toList();
  }

  private static String get(String podIp) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + podIp + ":8080/index.html"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body().strip();
  }

  @Test
  void deploy_imageThatServesHttp_becomesReady_pinnedByDigest(RealNode node, @TempDir Path home)
      throws Exception {
    TargetConfig t = target(node, "serve", Duration.ofSeconds(90));
    DeployResult r =
        engine(home)
            .deploy(
                new DeployRequest(
                    t,
                    Manifests.parse(Manifests.web(v1, Manifests.SERVE, "/index.html")),
                    null,
                    "dev-alice"));
    System.out.println(
        "[measure] rollout to Ready on the real node: " + r.elapsed().toMillis() + " ms");

    assertThat(r).isInstanceOf(DeployResult.Deployed.class);
    KubernetesClient k = node.cluster().client();
    List<Pod> ready = readyPods(k, t.namespace());
    assertThat(ready).hasSize(1);
    Pod p = ready.get(0);
    assertThat(p.getSpec().getNodeName()).isEqualTo(RealNode.NAME);
    String image = p.getSpec().getContainers().get(0).getImage();
    assertThat(image).startsWith(REGISTRY.address() + "/test/web@sha256:");
    assertThat(r.revision().images()).containsExactly(image);
    assertThat(r.revision().outcome()).isEqualTo(Revision.Outcome.DEPLOYED);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(get(p.getStatus().getPodIP())).isEqualTo("200 ready"));
  }

  @Test
  void deploy_processThatExits_failsWithCrashLoopBackOff_andIsRolledBack(
      RealNode node, @TempDir Path home) throws Exception {
    TargetConfig t = target(node, "crash", Duration.ofSeconds(120));
    RolloutEngine e = engine(home);
    DeployResult first =
        e.deploy(
            new DeployRequest(
                t,
                Manifests.parse(Manifests.web(v1, Manifests.SERVE, "/index.html")),
                null,
                "dev"));
    assertThat(first.succeeded()).isTrue();
    KubernetesClient k = node.cluster().client();
    String oldPod = readyPods(k, t.namespace()).get(0).getMetadata().getName();

    DeployResult r =
        e.deploy(
            new DeployRequest(
                t,
                Manifests.parse(Manifests.web(v2, "echo boom; exit 3", "/index.html")),
                null,
                "dev"));
    System.out.println(
        "[measure] crash-loop detected and rolled back: " + r.elapsed().toMillis() + " ms");

    assertThat(r).isInstanceOf(DeployResult.RolledBack.class);
    DeployResult.RolledBack rb = (DeployResult.RolledBack) r;
    assertThat(rb.failure().reason()).isEqualTo("CrashLoopBackOff");
    assertThat(rb.failure().message()).contains("last exit code 3");
    assertThat(rb.restored()).isEqualTo(1);
    assertThat(rb.revision().outcome()).isEqualTo(Revision.Outcome.ROLLED_BACK);
    assertThat(rb.revision().reason())
        .contains("Deployment " + t.namespace() + "/web")
        .contains("CrashLoopBackOff")
        .endsWith("rolled back to rev 1");
    // the old pod served throughout and still does, with the old image
    List<Pod> ready = readyPods(k, t.namespace());
    assertThat(ready).extracting(p -> p.getMetadata().getName()).contains(oldPod);
    assertThat(
            k.apps()
                .deployments()
                .inNamespace(t.namespace())
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo(first.revision().images().get(0));
  }

  @Test
  void deploy_readinessThatNeverPasses_failsAtTheDeadline_andIsRolledBack(
      RealNode node, @TempDir Path home) throws Exception {
    TargetConfig t = target(node, "unready", Duration.ofSeconds(20));
    RolloutEngine e = engine(home);
    assertThat(
            e.deploy(
                    new DeployRequest(
                        t,
                        Manifests.parse(Manifests.web(v1, Manifests.SERVE, "/index.html")),
                        null,
                        "dev"))
                .succeeded())
        .isTrue();
    KubernetesClient k = node.cluster().client();
    String oldPod = readyPods(k, t.namespace()).get(0).getMetadata().getName();

    DeployResult r =
        e.deploy(
            new DeployRequest(
                t, Manifests.parse(Manifests.web(v2, Manifests.SERVE, "/healthz")), null, "dev"));
    System.out.println(
        "[measure] readiness failure (20 s deadline) and rollback: "
            + r.elapsed().toMillis()
            + " ms");

    assertThat(r).isInstanceOf(DeployResult.RolledBack.class);
    RolloutFailure f = ((DeployResult.RolledBack) r).failure();
    assertThat(f.reason()).isEqualTo("ReadinessProbe");
    assertThat(f.message())
        .startsWith("the container runs but its readiness probe never passed")
        .contains("404")
        .endsWith("(deadline 20s)");
    assertThat(readyPods(k, t.namespace()))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly(oldPod);
  }

  @Test
  void rollback_pinsTheTarget_andHistoryAndPinHoldAcrossANewEngine(
      RealNode node, @TempDir Path home) throws Exception {
    TargetConfig t = target(node, "pin", Duration.ofSeconds(90));
    RolloutEngine e = engine(home);
    assertThat(
            e.deploy(
                    new DeployRequest(
                        t,
                        Manifests.parse(Manifests.web(v1, Manifests.SERVE, "/index.html")),
                        "a".repeat(40),
                        "dev"))
                .succeeded())
        .isTrue();
    assertThat(
            e.deploy(
                    new DeployRequest(
                        t,
                        Manifests.parse(Manifests.web(v2, Manifests.SERVE, "/index.html")),
                        "b".repeat(40),
                        "dev"))
                .succeeded())
        .isTrue();

    DeployResult back = e.rollback(t, null, "ops-bob");
    assertThat(back.succeeded()).isTrue();
    assertThat(back.revision().kind()).isEqualTo("rollback");
    assertThat(back.revision().restored()).isEqualTo(1);

    // a new engine over the same home: the restart
    RolloutEngine again = engine(home);
    assertThat(again.history(t.name()))
        .extracting(Revision::rev, Revision::kind, Revision::commit, Revision::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                1, "deploy", "a".repeat(40), Revision.Outcome.DEPLOYED),
            org.assertj.core.groups.Tuple.tuple(
                2, "deploy", "b".repeat(40), Revision.Outcome.DEPLOYED),
            org.assertj.core.groups.Tuple.tuple(
                3, "rollback", "a".repeat(40), Revision.Outcome.DEPLOYED));
    assertThat(again.pin(t.name()))
        .hasValueSatisfying(
            p -> {
              assertThat(p.rev()).isEqualTo(1);
              assertThat(p.who()).isEqualTo("ops-bob");
            });
    assertThatThrownBy(
            () ->
                again.deploy(
                    new DeployRequest(
                        t,
                        Manifests.parse(Manifests.web(v2, Manifests.SERVE, "/index.html")),
                        null,
                        "dev")))
        .isInstanceOf(DeployException.class)
        .hasMessageStartingWith("target pin is pinned at rev 1 by ops-bob")
        .satisfies(x -> assertThat(((DeployException) x).reason()).isEqualTo("pinned"));
    assertThat(k(node, t).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(again.history(t.name()).get(0).images().get(0));

    assertThat(again.unpin(t.name())).isPresent();
    assertThat(
            engine(home)
                .deploy(
                    new DeployRequest(
                        t,
                        Manifests.parse(Manifests.web(v2, Manifests.SERVE, "/index.html")),
                        null,
                        "dev"))
                .revision()
                .rev())
        .isEqualTo(4);
  }

  private static io.fabric8.kubernetes.api.model.apps.Deployment k(RealNode node, TargetConfig t) {
    return node.cluster()
        .client()
        .apps()
        .deployments()
        .inNamespace(t.namespace())
        .withName("web")
        .get();
  }
}
