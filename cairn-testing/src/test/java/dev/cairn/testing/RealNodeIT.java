package dev.cairn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real pods on the test cluster's real node, from an image pushed to a registry on 127.0.0.1: logs,
 * exec, a readiness probe, a Job to completion, a rollout and a rolling update; and the guard that
 * makes every pull from anywhere else fail at once.
 */
@RealClusterTest(realNode = true)
class RealNodeIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  static String image;

  @BeforeAll
  static void pushImage() throws Exception {
    image = PodImage.busybox().push(REGISTRY, "test/busybox:1");
  }

  private static Pod webPod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .addNewContainer()
        .withName("web")
        .withImage(image)
        .withImagePullPolicy("Always")
        .withCommand(
            "sh",
            "-c",
            "echo \"hello from $(hostname) at $(ip -4 -o addr show eth0 | awk '{print $4}')\";"
                + " mkdir -p /www && echo ready > /www/index.html && exec httpd -f -p 8080 -h /www")
        .addNewPort()
        .withContainerPort(8080)
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/index.html")
        .withNewPort(8080)
        .endHttpGet()
        .withPeriodSeconds(1)
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void pod_fromTheLocalRegistry_logsExecAndReadiness(RealNode node) throws Exception {
    KubernetesClient k = node.cluster().client();
    String ns = node.newNamespace("pod");
    k.pods().inNamespace(ns).resource(webPod("web")).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              Pod p = k.pods().inNamespace(ns).withName("web").get();
              assertThat(p.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("True");
                      });
            });
    Pod p = k.pods().inNamespace(ns).withName("web").get();
    assertThat(p.getSpec().getNodeName()).isEqualTo(RealNode.NAME);
    assertThat(p.getStatus().getPodIP()).startsWith("10.88.0.");
    ContainerStatus cs = p.getStatus().getContainerStatuses().get(0);
    // pulled by digest from the registry on 127.0.0.1
    assertThat(cs.getImageID()).endsWith(image.substring(image.indexOf('@') + 1));
    assertThat(cs.getReady()).isTrue();

    assertThat(k.pods().inNamespace(ns).withName("web").getLog())
        .contains("hello from web at " + p.getStatus().getPodIP() + "/24");

    String out = exec(k, ns, "web", "cat /www/index.html; id -u; ip route");
    assertThat(out).startsWith("ready\n0\n").contains("10.88.0.0/24 dev eth0");
    assertThat(out).as("pods get no default route").doesNotContain("default");
  }

  @Test
  void job_runsToCompletion(RealNode node) {
    KubernetesClient k = node.cluster().client();
    String ns = node.newNamespace("job");
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("count")
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withAutomountServiceAccountToken(false)
            .addNewContainer()
            .withName("count")
            .withImage(image)
            .withCommand("sh", "-c", "for i in 1 2 3; do echo step $i; done; echo sum $((1+2+3))")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    k.batch().v1().jobs().inNamespace(ns).resource(job).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              Integer ok =
                  k.batch()
                      .v1()
                      .jobs()
                      .inNamespace(ns)
                      .withName("count")
                      .get()
                      .getStatus()
                      .getSucceeded();
              return ok != null && ok == 1;
            });
    Job done = k.batch().v1().jobs().inNamespace(ns).withName("count").get();
    assertThat(done.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Complete"));
    assertThat(done.getStatus().getFailed()).isNull();
    assertThat(k.batch().v1().jobs().inNamespace(ns).withName("count").getLog())
        .isEqualTo("step 1\nstep 2\nstep 3\nsum 6\n");
  }

  @Test
  void deployment_rollsOutAndRollsToANewImage(RealNode node) throws Exception {
    KubernetesClient k = node.cluster().client();
    String ns = node.newNamespace("deploy");
    String v2 = PodImage.busybox().withLabel("version", "2").push(REGISTRY, "test/busybox:2");
    assertThat(v2).isNotEqualTo(image);
    Pod template = webPod("unused");
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .endSelector()
            .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withNewMaxUnavailable(0)
            .withNewMaxSurge(1)
            .endRollingUpdate()
            .endStrategy()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .endMetadata()
            .withSpec(template.getSpec())
            .endTemplate()
            .endSpec()
            .build();
    k.apps().deployments().inNamespace(ns).resource(d).create();
    awaitRollout(k, ns, 2);
    assertThat(podImageIds(k, ns))
        .hasSize(2)
        .allSatisfy(id -> assertThat(id).endsWith(digest(image)));

    k.apps()
        .deployments()
        .inNamespace(ns)
        .withName("web")
        .edit(
            x -> {
              x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(v2);
              return x;
            });
    awaitRollout(k, ns, 2);
    Deployment after = k.apps().deployments().inNamespace(ns).withName("web").get();
    assertThat(after.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(after.getStatus().getObservedGeneration()).isEqualTo(2L);
    List<ReplicaSet> sets = k.apps().replicaSets().inNamespace(ns).list().getItems();
    assertThat(sets).hasSize(2);
    assertThat(sets)
        .anySatisfy(
            rs -> {
              assertThat(rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo(v2);
              assertThat(rs.getStatus().getReadyReplicas()).isEqualTo(2);
            })
        .anySatisfy(
            rs -> {
              assertThat(rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo(image);
              assertThat(rs.getSpec().getReplicas()).isZero();
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(podImageIds(k, ns))
                    .hasSize(2)
                    .allSatisfy(id -> assertThat(id).endsWith(digest(v2))));
  }

  @Test
  void pull_fromAnyRegistryButLoopback_failsAtOnce(RealNode node) {
    KubernetesClient k = node.cluster().client();
    String ns = node.newNamespace("guard");
    Pod p = webPod("elsewhere");
    p.getSpec().getContainers().get(0).setImage("registry.invalid/library/busybox:1");
    k.pods().inNamespace(ns).resource(p).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              // the kubelet reports no container status until it has tried the pull once
              java.util.List<ContainerStatus> statuses =
                  k.pods()
                      .inNamespace(ns)
                      .withName("elsewhere")
                      .get()
                      .getStatus()
                      .getContainerStatuses();
              assertThat(statuses).isNotEmpty();
              ContainerStatus cs = statuses.get(0);
              assertThat(cs.getState().getWaiting()).isNotNull();
              assertThat(cs.getState().getWaiting().getReason())
                  .isIn("ErrImagePull", "ImagePullBackOff");
              assertThat(cs.getState().getWaiting().getMessage()).contains("127.0.0.1:9");
            });
  }

  private static void awaitRollout(KubernetesClient k, String ns, int replicas) {
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              Deployment d = k.apps().deployments().inNamespace(ns).withName("web").get();
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
              assertThat(d.getStatus().getReadyReplicas()).isEqualTo(replicas);
              assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
              assertThat(d.getStatus().getReplicas()).isEqualTo(replicas);
            });
  }

  private static List<String> podImageIds(KubernetesClient k, String ns) {
    return k.pods().inNamespace(ns).withLabels(Map.of("app", "web")).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getStatus().getContainerStatuses())
        .filter(s -> s != null && !s.isEmpty())
        .map(s -> s.get(0).getImageID())
        .toList();
  }

  private static String digest(String ref) {
    return ref.substring(ref.indexOf('@') + 1);
  }

  private static String exec(KubernetesClient k, String ns, String pod, String script)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch w =
        k.pods()
            .inNamespace(ns)
            .withName(pod)
            .writingOutput(out)
            .writingError(err)
            .exec("sh", "-c", script)) {
      Integer code = w.exitCode().get(60, TimeUnit.SECONDS);
      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
