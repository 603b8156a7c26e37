package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.deploy.enclave.NodeView;
import dev.cairn.deploy.enclave.PlatformService;
import dev.cairn.pipeline.DeployTarget;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.steps.Steps;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.PodImage;
import dev.cairn.testing.RealClusterTest;
import dev.cairn.testing.RealNode;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enclave step end to end on the real node: a pipeline run pushes a busybox workload, the
 * enclave step marks its Deployment (runtime class {@code cairn-simulation}, handler runc; the
 * attestation agent's image built from this Cairn by jlink) and installs its measurement with a
 * secret; on the node the agent attests through the platform service (which asks containerd and the
 * API server, never the pod) and the workload reads its secret from the memory volume. The same
 * manifests with a rebuilt image (one byte changed) get nothing and the pod never starts; a pod
 * that claims another measurement is measured as what it is.
 */
@RealClusterTest(realNode = true)
class EnclaveRealNodeIT {
  static final String SECRET = "correct horse battery staple";
  static final String CRI = "unix:///run/containerd/containerd.sock";

  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  @TempDir Path tmp;
  private final MadeNamespaces made = new MadeNamespaces();
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
  private final List<String> platformLog = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    made.deleteAll();
  }

  static Path crictl() throws Exception {
    Path tools = Path.of(System.getProperty("user.home"), ".cache", "cairn", "tools");
    try (var s = Files.list(tools)) {
      return s.filter(p -> p.getFileName().toString().startsWith("crictl-"))
          .map(p -> p.resolve("crictl"))
          .filter(Files::isExecutable)
          .findFirst()
          .orElseThrow();
    }
  }

  static String deployment(String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shop, labels: {app: shop}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec:
              automountServiceAccountToken: false
              terminationGracePeriodSeconds: 1
              containers:
                - name: shop
                  image: %s
                  command: ["sh", "-c", "sha256sum /run/cairn/secrets/DB_PASSWORD; cat /run/cairn/secrets/.cairn-attestation.json; exec sleep 3600"]
        """
        .formatted(image);
  }

  /** Stands in for the push step (tested on its own): the image the test pushed. */
  static StepExecutor pushed(String image) {
    return new StepExecutor() {
      @Override
      public StepKind kind() {
        return StepKind.PUSH;
      }

      @Override
      public StepResult execute(StepContext ctx) {
        return StepResult.succeeded(Map.of("image", image));
      }
    };
  }

  static void apply(KubernetesClient client, String ns, Path manifest) throws Exception {
    try (InputStream in = Files.newInputStream(manifest)) {
      client.load(in).inNamespace(ns).serverSideApply();
    }
  }

  /** What a waiting pod is doing: its status, the agent's log, the platform's log, events. */
  String describe(KubernetesClient client, String ns) {
    StringBuilder b = new StringBuilder();
    for (Pod p : pods(client, ns)) {
      b.append(client.getKubernetesSerialization().asJson(p.getStatus())).append('\n');
      try {
        b.append("agent: ")
            .append(
                client
                    .pods()
                    .inNamespace(ns)
                    .withName(p.getMetadata().getName())
                    .inContainer("cairn-agent")
                    .getLog())
            .append('\n');
      } catch (RuntimeException e) {
        b.append("agent log: ").append(e.getMessage()).append('\n');
      }
    }
    b.append("platform: ").append(platformLog).append('\n');
    client
        .v1()
        .events()
        .inNamespace(ns)
        .list()
        .getItems()
        .forEach(
            e ->
                b.append("event: ")
                    .append(e.getReason())
                    .append(' ')
                    .append(e.getMessage())
                    .append('\n'));
    return b.toString();
  }

  static List<Pod> pods(KubernetesClient client, String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "shop").list().getItems();
  }

  @Test
  void theWorkloadGetsItsSecretOnlyWithItsMeasurement(RealNode node) throws Exception {
    KubernetesClient client = node.cluster().client();
    CairnHome home = CairnHome.of(tmp.resolve("home"));
    Clock clock = Clock.systemUTC();
    TeeProvider tee = Tees.simulation(home, clock);
    client
        .resource(
            new RuntimeClassBuilder()
                .withNewMetadata()
                .withName("cairn-simulation")
                .endMetadata()
                .withHandler("runc")
                .build())
        .serverSideApply();

    AttestationService service =
        AttestationService.open(home.attestation(), List.of(tee.platformKey()), clock);
    AttestationHttp http = AttestationHttp.serve(service, RealNode.ADDRESS, 0);
    closing.add(http);
    NodeView view = NodeView.cri(crictl(), CRI, ClusterOptions.of(node.cluster().kubeconfig()));
    closing.add(view);
    PlatformService platform =
        PlatformService.serve(tee, view, view, RealNode.ADDRESS, 0, platformLog::add);
    closing.add(platform);

    String ns = made.add(client, node.newNamespace("enclave"));
    PodImage base = PodImage.busybox();
    String image = base.withLabel("shop", "1").push(REGISTRY, "team/shop:1");

    AtomicReference<Path> deployed = new AtomicReference<>();
    DeployTarget.Lookup targets =
        name ->
            Optional.of(
                order -> {
                  Path f = order.manifests().get(0);
                  try {
                    deployed.set(
                        Files.copy(
                            f,
                            tmp.resolve("marked.yaml"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING));
                    apply(client, ns, f);
                  } catch (Exception e) {
                    throw new dev.cairn.pipeline.PipelineException(e.toString(), null);
                  }
                  return new DeployTarget.Outcome(true, 1, "applied");
                });
    StepExecutor enclave =
        Steps.all(home, clock).stream()
            .filter(e -> e.kind() == StepKind.ENCLAVE)
            .findFirst()
            .orElseThrow();
    RunEngine engine =
        Pipelines.engine(Pipelines.fileStore(tmp.resolve("runs")))
            .workspaces(tmp.resolve("ws"))
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .executor(pushed(image))
            .executor(enclave)
            .executor(Steps.deploy(targets))
            .secrets(
                SecretSource.of(Map.of("db", Secret.of(SECRET.getBytes(StandardCharsets.UTF_8)))))
            .start();
    closing.add(engine::close);
    Files.writeString(tmp.resolve("app.yaml"), deployment(image.replaceAll("@sha256:.*", ":1")));
    PipelineDefinition d =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            """
            steps:
              - run: {command: [sh, -c, "mkdir -p deploy && cp %s deploy/app.yaml"]}
              - push: {registry: "%s", repository: team/shop, plainHttp: true}
              - enclave:
                  attestation: "%s"
                  platform: "http://%s:%d"
                  runtimeClassName: cairn-simulation
                  namespace: %s
                secrets: {DB_PASSWORD: db}
              - deploy: {target: shop, manifests: [deploy/app.yaml]}
                retries: 0
            """
                .formatted(
                    tmp.resolve("app.yaml"),
                    REGISTRY.address(),
                    http.uri(),
                    RealNode.ADDRESS,
                    platform.port(),
                    ns));
    String commit = "0123456789abcdef0123456789abcdef01234567";
    RunRecord r =
        engine.await(
            engine
                .submit(
                    RunRequest.of(
                        "file:///repo/shop",
                        commit,
                        "refs/heads/main",
                        new Trigger("github", "d-1", "alice", commit, "refs/heads/main"),
                        d))
                .run()
                .id(),
            Duration.ofMinutes(10));
    assertThat(r.state()).as(r.message() + " " + r.steps()).isEqualTo(RunState.SUCCEEDED);

    String hash = Digest.sha256(SECRET.getBytes(StandardCharsets.UTF_8)).hex();
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(client, ns);
              assertThat(pods).hasSize(1);
              assertThat(pods.get(0).getStatus().getPhase())
                  .as(() -> describe(client, ns))
                  .isEqualTo("Running");
              String log =
                  client
                      .pods()
                      .inNamespace(ns)
                      .withName(pods.get(0).getMetadata().getName())
                      .inContainer("shop")
                      .getLog();
              assertThat(log).contains(hash).contains(Tees.SIMULATION_WARNING);
            });
    Pod pod = pods(client, ns).get(0);
    String agentLog =
        client
            .pods()
            .inNamespace(ns)
            .withName(pod.getMetadata().getName())
            .inContainer("cairn-agent")
            .getLog();
    assertThat(agentLog).contains("1 secret(s) written").contains(Tees.SIMULATION_WARNING);
    String everywhere =
        agentLog
            + Json.canonical(client.getKubernetesSerialization().asJson(pod))
            + client.v1().events().inNamespace(ns).list().getItems()
            + String.join("\n", platformLog)
            + Files.readString(deployed.get())
            + r;
    assertThat(everywhere).doesNotContain(SECRET);
    assertThat(platformLog)
        .anyMatch(l -> l.startsWith("evidence for " + ns + "/" + pod.getMetadata().getName()));

    // the same marked manifests, the image rebuilt with one byte changed: no secret, no start
    String rebuilt = base.withLabel("shop", "2").push(REGISTRY, "team/shop:2");
    Path forged = tmp.resolve("forged.yaml");
    Files.writeString(
        forged,
        Files.readString(deployed.get())
            .replace(image, rebuilt)
            .replace(
                "\"name\" : \"shop\",\n    \"labels\"",
                "\"name\" : \"shop-rebuilt\",\n    \"labels\""));
    String ns2 = made.add(client, node.newNamespace("enclave-forged"));
    apply(client, ns2, forged);
    await()
        .atMost(Duration.ofMinutes(4))
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(client, ns2);
              assertThat(pods).hasSize(1);
              List<ContainerStatus> init = pods.get(0).getStatus().getInitContainerStatuses();
              assertThat(init).isNotEmpty();
              var state =
                  init.get(0).getLastState().getTerminated() != null
                      ? init.get(0).getLastState().getTerminated()
                      : init.get(0).getState().getTerminated();
              assertThat(state).isNotNull();
              assertThat(state.getExitCode()).isEqualTo(1);
            });
    Pod refused = pods(client, ns2).get(0);
    assertThat(refused.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(refused.getStatus().getContainerStatuses())
        .allSatisfy(c -> assertThat(c.getState().getRunning()).isNull());
    assertThat(platformLog).anyMatch(l -> l.startsWith("evidence for " + ns2 + "/"));

    // a pod that claims the approved measurement is measured as what it is
    String approved = pod.getMetadata().getAnnotations().get("cairn.dev/measurement");
    String body =
        "{\\\"reportData\\\":\\\""
            + java.util.Base64.getEncoder().encodeToString(new byte[64])
            + "\\\",\\\"measurement\\\":\\\""
            + approved
            + "\\\"}";
    Pod forger =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("forger")
            .withLabels(Map.of("app", "forger"))
            .endMetadata()
            .withNewSpec()
            .withAutomountServiceAccountToken(false)
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("forger")
            .withImage(image)
            .withCommand(
                "sh",
                "-c",
                "wget -q -O- --post-data \""
                    + body
                    + "\" http://"
                    + RealNode.ADDRESS
                    + ":"
                    + platform.port()
                    + "/v1/evidence")
            .endContainer()
            .endSpec()
            .build();
    client.pods().inNamespace(ns2).resource(forger).create();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              Pod p = client.pods().inNamespace(ns2).withName("forger").get();
              return p != null && "Succeeded".equals(p.getStatus().getPhase());
            });
    String answer = client.pods().inNamespace(ns2).withName("forger").getLog();
    dev.cairn.attest.Evidence e = dev.cairn.attest.Evidence.parse(answer.strip());
    assertThat(e.measurement().toString()).isNotEqualTo(approved);
    assertThat(platformLog)
        .anyMatch(
            l ->
                l.startsWith("evidence for " + ns2 + "/forger")
                    && l.contains("its claim " + approved + " ignored"));
  }
}
