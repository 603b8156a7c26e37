package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policy;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
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
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.enclave.WorkloadPolicies;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.PodImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enclave step against a real registry: it builds and pushes the attestation agent's image,
 * marks the run's copy of the Deployment, and installs the measured policy with the secret; and it
 * refuses, by name, what it can't do.
 */
class EnclaveStepIT {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  @TempDir Path tmp;
  final List<RunEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(RunEngine::close);
  }

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

  RunRecord run(CairnHome home, String image, String manifest, String enclaveParams)
      throws Exception {
    Path app = Files.writeString(tmp.resolve("app-" + engines.size() + ".yaml"), manifest);
    RunEngine e =
        Pipelines.engine(Pipelines.fileStore(tmp.resolve("runs-" + engines.size())))
            .workspaces(tmp.resolve("ws-" + engines.size()))
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .executor(pushed(image))
            .executor(new EnclaveStep(home, Clock.systemUTC()))
            .secrets(
                SecretSource.of(Map.of("db", Secret.of("pw".getBytes(StandardCharsets.UTF_8)))))
            .keepWorkspaces(true)
            .pollInterval(Duration.ofMillis(20))
            .start();
    engines.add(e);
    PipelineDefinition d =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            """
            steps:
              - run: {command: [sh, -c, "mkdir -p deploy && cp %s deploy/app.yaml"]}
              - push: {registry: "%s", repository: team/shop, plainHttp: true}
              - enclave: {%s}
                secrets: {DB_PASSWORD: db}
                retries: 0
            """
                .formatted(app, REGISTRY.address(), enclaveParams));
    return e.await(
        e.submit(
                RunRequest.of(
                    "file:///repo/shop",
                    COMMIT,
                    "refs/heads/main",
                    new Trigger("github", "d-1", "alice", COMMIT, "refs/heads/main"),
                    d))
            .run()
            .id(),
        Duration.ofMinutes(5));
  }

  static String deployment(String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shop, namespace: prod}
        spec:
          template:
            spec:
              containers:
                - {name: shop, image: "%s", volumeMounts: [{name: data, mountPath: /data}]}
              volumes: [{name: data, emptyDir: {}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: shop}
        spec: {ports: [{port: 80}]}
        """
        .formatted(image);
  }

  @Test
  void marksTheWorkloadAndInstallsItsMeasuredPolicy() throws Exception {
    CairnHome home = CairnHome.of(tmp.resolve("home"));
    String image = PodImage.busybox().withLabel("t", "enclave").push(REGISTRY, "team/shop:1");
    String byTag = image.replaceAll("@sha256:.*", ":1");
    RunRecord r =
        run(
            home,
            image,
            deployment(byTag),
            "attestation: 'http://10.88.0.1:8443', platform: 'http://10.88.0.1:7443',"
                + " runtimeClassName: cairn-simulation");
    assertThat(r.state()).as(r.steps().toString()).isEqualTo(RunState.SUCCEEDED);
    Map<String, String> out = r.steps().get(2).outputs();
    assertThat(out)
        .containsEntry("runtimeClassName", "cairn-simulation")
        .containsEntry("tee", "simulation")
        .containsEntry("workloads", "Deployment prod/shop");
    String agent = out.get("agentImage");
    assertThat(agent).startsWith(REGISTRY.address() + "/cairn/agent@sha256:");
    // the agent image is in the registry, by digest
    assertThat(
            Registries.builder()
                .allowPlainHttp(REGISTRY.address())
                .build()
                .findManifest(ImageRef.parse(agent)))
        .isPresent();

    Path ws = tmp.resolve("ws-0");
    Path marked;
    try (var s = Files.walk(ws)) {
      marked = s.filter(p -> p.endsWith("deploy/app.yaml")).findFirst().orElseThrow();
    }
    String text = Files.readString(marked);
    String[] docs = text.split("(?m)^---\\s*$");
    Map<String, Object> dep = Json.parseObject(docs[1]);
    @SuppressWarnings("unchecked")
    Map<String, Object> pod =
        (Map<String, Object>) ((Map<String, Object>) dep.get("spec")).get("template");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) pod.get("spec");
    assertThat(spec).containsEntry("runtimeClassName", "cairn-simulation");
    assertThat(Json.canonical(spec.get("initContainers")))
        .contains("\"name\":\"cairn-agent\"")
        .contains(agent)
        .contains("\"CAIRN_SESSION\"")
        .contains("workload.prod.shop");
    assertThat(Json.canonical(spec.get("containers")))
        .contains(image)
        .contains("/run/cairn/secrets")
        .contains("/data");
    assertThat(Json.canonical(spec.get("volumes")))
        .contains("\"medium\":\"Memory\"")
        .contains("\"data\"");
    assertThat(docs[2]).contains("Service");
    assertThat(text).doesNotContain("\"pw\"");

    String measurement = out.get("measurements");
    assertThat(Json.canonical(pod.get("metadata"))).contains(measurement);
    AttestationService service =
        AttestationService.open(
            home.attestation(),
            List.of(dev.cairn.attest.Tees.simulation(home, Clock.systemUTC()).platformKey()),
            Clock.systemUTC());
    Policy p = service.policy(WorkloadPolicies.session("prod", "shop")).orElseThrow();
    assertThat(p.services().get(0).measurements())
        .extracting(Object::toString)
        .containsExactly(measurement);
    assertThat(p.secrets()).extracting(Policy.SecretSpec::name).containsExactly("DB_PASSWORD");
  }

  @Test
  void refusesWhatItCannotDoByName() throws Exception {
    CairnHome home = CairnHome.of(tmp.resolve("home2"));
    String image = PodImage.busybox().withLabel("t", "refuse").push(REGISTRY, "team/shop:2");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> run(home, image, deployment(image), "attestation: 'http://10.88.0.1:8443'"))
        .isInstanceOf(dev.cairn.pipeline.PipelineException.class)
        .hasMessageContaining(".cairn/pipeline.yaml:4:")
        .hasMessageContaining("platform");

    RunRecord nothing =
        run(
            home,
            image,
            deployment("127.0.0.1:1/other/app:1"),
            "attestation: 'http://a:1', platform: 'http://b:2'," + " agentImage: '" + image + "'");
    assertThat(nothing.state()).isEqualTo(RunState.FAILED);
    assertThat(nothing.steps().get(2).message()).contains("no workload in the manifests runs");

    RunRecord tagged =
        run(
            home,
            image,
            deployment(image),
            "attestation: 'http://a:1', platform: 'http://b:2', agentImage: 'reg/agent:latest'");
    assertThat(tagged.state()).isEqualTo(RunState.FAILED);
    assertThat(tagged.steps().get(2).message())
        .contains("agentImage reg/agent:latest is named by tag");
  }
}
