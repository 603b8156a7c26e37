package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.deploy.jobs.JobsConfig;
import dev.cairn.deploy.jobs.KubernetesJobs;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepState;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.steps.AgentImages;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.PodImage;
import dev.cairn.testing.RealClusterTest;
import dev.cairn.testing.RealNode;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes Job executor on the real node: a pipeline whose first {@code run} step writes into
 * the workspace on this machine and whose next ones run as Jobs in images from the test registry,
 * the workspace fetched by the agent's init container, a secret from the Job's Secret, as a
 * non-root user; their logs and exit codes are the containers'; a cancelled step's Job is deleted;
 * an image that cannot be pulled fails the step with the kubelet's reason.
 */
@RealClusterTest(realNode = true)
class KubernetesJobsRealNodeIT {
  static final String TOKEN = "s3cr3t-api-token-for-the-job";
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  @TempDir Path tmp;
  private final MadeNamespaces made = new MadeNamespaces();
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
  private KubernetesClient client;
  private String ns;
  private String tools;
  private RunEngine engine;

  @BeforeEach
  void setUp(RealNode node) throws Exception {
    client = node.cluster().client();
    ns = made.add(client, node.newNamespace("jobs"));
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("cairn-dev")
                .endMetadata()
                .withAutomountServiceAccountToken(false)
                .build())
        .create();
    var oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    String agent =
        AgentImages.push(
                oci,
                ImageRef.parse(REGISTRY.address() + "/cairn/agent:latest"),
                tmp.resolve("images"),
                l -> {})
            .toString();
    tools = PodImage.busybox().withLabel("jobs", "1").push(REGISTRY, "team/tools:1");
    KubernetesJobs jobs =
        KubernetesJobs.start(
            new JobsConfig(
                node.cluster().kubeconfig(),
                null,
                ns,
                "cairn-dev",
                agent,
                RealNode.ADDRESS,
                JobsConfig.NONROOT),
            Pipelines.localRunExecutor(System.getenv()),
            Clock.systemUTC());
    closing.add(jobs);
    engine =
        Pipelines.engine(Pipelines.fileStore(tmp.resolve("runs")))
            .workspaces(tmp.resolve("ws"))
            .executor(jobs)
            .secrets(
                SecretSource.of(Map.of("api", Secret.of(TOKEN.getBytes(StandardCharsets.UTF_8)))))
            .start();
    closing.add(engine::close);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    made.deleteAll();
  }

  RunRecord run(String pipeline, Duration timeout) throws Exception {
    PipelineDefinition d = Pipelines.parse(".cairn/pipeline.yaml", pipeline);
    return engine.await(
        engine
            .submit(
                RunRequest.of(
                        "file:///repo/shop",
                        COMMIT,
                        "refs/heads/main",
                        new Trigger(
                            "github", "d-" + System.nanoTime(), "alice", COMMIT, "refs/heads/main"),
                        d)
                    .withRerun(true))
            .run()
            .id(),
        timeout);
  }

  String log(RunRecord r, int step) throws Exception {
    byte[] b = engine.store().readLog(r.id(), r.steps().get(step).log(), 0, 1 << 20);
    return new String(b, StandardCharsets.UTF_8);
  }

  List<?> cairnObjects() {
    return java.util.stream.Stream.concat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withLabel("app.kubernetes.io/managed-by", "cairn")
                .list()
                .getItems()
                .stream(),
            client
                .secrets()
                .inNamespace(ns)
                .withLabel("app.kubernetes.io/managed-by", "cairn")
                .list()
                .getItems()
                .stream())
        .toList();
  }

  @Test
  void stepsRunAsJobsWithTheWorkspaceTheirSecretAndTheirExitCodes() throws Exception {
    RunRecord r =
        run(
            """
            steps:
              - run: {command: [sh, -c, "mkdir -p src && echo hello-from-the-workspace > src/greeting.txt"]}
              - name: in-a-job
                run:
                  image: "%s"
                  workdir: src
                  command: [sh, -c, "cat greeting.txt; printf %%s \\"$API_TOKEN\\" | sha256sum; echo uid=$(id -u); echo $GREETING; touch written-in-the-pod"]
                env: {GREETING: hi-from-env}
                secrets: {API_TOKEN: api}
              - name: here-again
                run: {command: [sh, -c, "test -f src/greeting.txt && test ! -e src/written-in-the-pod"]}
              - name: fails
                run: {image: "%s", command: [sh, -c, "echo about to fail; exit 3"]}
                retries: 0
            """
                .formatted(tools, tools),
            Duration.ofMinutes(6));

    assertThat(r.state()).as(r.message() + " " + r.steps()).isEqualTo(RunState.FAILED);
    assertThat(r.steps().get(0).state()).isEqualTo(StepState.SUCCEEDED);
    assertThat(r.steps().get(1).state())
        .as(r.steps().get(1).message())
        .isEqualTo(StepState.SUCCEEDED);
    String log = log(r, 1);
    assertThat(log)
        .contains("hello-from-the-workspace")
        .contains(Digest.sha256(TOKEN.getBytes(StandardCharsets.UTF_8)).hex())
        .contains("uid=" + JobsConfig.NONROOT)
        .contains("hi-from-env")
        .contains("running as Job " + ns + "/")
        .doesNotContain(TOKEN);
    // files written in the pod stay there: the next local step sees the workspace as it was
    assertThat(r.steps().get(2).state())
        .as(r.steps().get(2).message())
        .isEqualTo(StepState.SUCCEEDED);
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().step()).isEqualTo("fails");
    assertThat(r.failure().exitCode()).isEqualTo(3);
    assertThat(log(r, 3)).contains("about to fail");
    // Jobs and their Secrets are deleted when their steps end
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(cairnObjects()).isEmpty());
  }

  @Test
  void aCancelledStepsJobIsDeleted() throws Exception {
    PipelineDefinition d =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            """
            steps:
              - name: long
                run: {image: "%s", command: [sh, -c, "echo started; exec sleep 600"]}
            """
                .formatted(tools));
    String id =
        engine
            .submit(
                RunRequest.of(
                        "file:///repo/shop",
                        COMMIT,
                        "refs/heads/main",
                        Trigger.manual("alice", COMMIT, "refs/heads/main"),
                        d)
                    .withRerun(true))
            .run()
            .id();
    await()
        .atMost(Duration.ofMinutes(4))
        .until(
            () -> {
              RunRecord r = engine.run(id).orElseThrow();
              return new String(
                      engine.store().readLog(id, r.steps().get(0).log(), 0, 1 << 16),
                      StandardCharsets.UTF_8)
                  .contains("started");
            });
    assertThat(cairnObjects()).isNotEmpty();
    engine.cancel(id);
    RunRecord r = engine.await(id, Duration.ofMinutes(2));
    assertThat(r.state()).isEqualTo(RunState.CANCELLED);
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(cairnObjects()).isEmpty());
  }

  @Test
  void anImageThatCannotBePulledFailsTheStepWithTheReason() throws Exception {
    RunRecord r =
        run(
            """
            steps:
              - name: missing
                run: {image: "%s/team/missing:1", command: [sh, -c, "true"]}
                retries: 0
            """
                .formatted(REGISTRY.address()),
            Duration.ofMinutes(4));
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().message()).containsAnyOf("ErrImagePull", "ImagePullBackOff");
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(cairnObjects()).isEmpty());
  }
}
