package dev.cairn.deploy.enclave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.agent.Agent;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.supplychain.enclave.ImageFacts;
import dev.cairn.supplychain.enclave.PodMeasurement;
import dev.cairn.supplychain.enclave.WorkloadPolicies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent, the platform service and the attestation service over real HTTP on 127.0.0.1; the
 * node's pods are the one pod this test says runs at 127.0.0.1 (the real node's CRI view is {@code
 * EnclaveRealNodeIT}'s).
 */
class PlatformServiceTest {
  static final Digest APP = Digest.sha256("app manifest");
  static final String SESSION = WorkloadPolicies.session("shop", "web");
  static final ImageFacts IMAGES =
      ref -> new ImageFacts.Image(APP, Digest.sha256("config"), List.of("/app"), List.of());

  @TempDir Path tmp;
  TeeProvider tee;
  AttestationService service;
  AttestationHttp serviceHttp;
  PlatformService platform;
  final List<String> platformLog = new CopyOnWriteArrayList<>();
  Map<String, Object> runningSpec;
  String runningHandler = "runc";

  static Map<String, Object> spec(String image) {
    return Map.of(
        "runtimeClassName",
        "cairn-simulation",
        "containers",
        List.of(Map.of("name", "app", "image", image)));
  }

  @BeforeEach
  void setUp() throws Exception {
    tee = Tees.simulation(CairnHome.of(tmp.resolve("home")), Clock.systemUTC());
    service =
        AttestationService.open(tmp.resolve("cas"), List.of(tee.platformKey()), Clock.systemUTC());
    serviceHttp = AttestationHttp.serve(service, "127.0.0.1", 0);
    runningSpec = spec("reg/app@" + APP);
    PodDirectory pods =
        address ->
            address.equals("127.0.0.1")
                ? Optional.of(
                    new PodDirectory.Pod(
                        "shop", "web-1", "uid-1", runningHandler, "runc", runningSpec))
                : Optional.empty();
    platform = PlatformService.serve(tee, pods, IMAGES, "127.0.0.1", 0, platformLog::add);
  }

  @AfterEach
  void tearDown() {
    platform.close();
    serviceHttp.close();
  }

  private Agent.Config agent() {
    return new Agent.Config(
        serviceHttp.uri(),
        SESSION,
        WorkloadPolicies.SERVICE,
        URI.create("http://127.0.0.1:" + platform.port()),
        tmp.resolve("secrets"),
        Duration.ofSeconds(10));
  }

  private Digest expected() throws CairnException {
    return PodMeasurement.of(runningSpec, "simulation", IMAGES).digest();
  }

  @Test
  void theAgentWritesTheSecretsReleasedToThePodsMeasurement() throws Exception {
    WorkloadPolicies.install(
        service,
        SESSION,
        Set.of(expected()),
        Map.of("DB_PASSWORD", Secret.of("hunter2".getBytes(StandardCharsets.UTF_8))));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Agent.Outcome o = Agent.run(agent(), new PrintStream(log, true, StandardCharsets.UTF_8));

    assertThat(o.evidence().measurement()).isEqualTo(expected());
    assertThat(o.secrets()).containsExactly("DB_PASSWORD");
    assertThat(Files.readString(tmp.resolve("secrets/DB_PASSWORD"))).isEqualTo("hunter2");
    Map<String, Object> record =
        Json.parseObject(Files.readString(tmp.resolve("secrets").resolve(Agent.RECORD)));
    assertThat(record)
        .containsEntry("measurement", expected().toString())
        .containsEntry("warning", Tees.SIMULATION_WARNING)
        .containsEntry("hardwareBacked", false);
    String all = log.toString(StandardCharsets.UTF_8) + String.join("\n", platformLog);
    assertThat(all).contains(Tees.SIMULATION_WARNING).doesNotContain("hunter2");
    assertThat(platformLog).anyMatch(l -> l.startsWith("evidence for shop/web-1 (127.0.0.1)"));
  }

  @Test
  void aPodRunningAnImageThePolicyDoesNotAllowGetsNothing() throws Exception {
    WorkloadPolicies.install(
        service, SESSION, Set.of(expected()), Map.of("DB_PASSWORD", Secret.of(new byte[] {1})));
    runningSpec = spec("reg/app@" + Digest.sha256("rebuilt with one byte changed"));
    ImageFacts any =
        ref ->
            new ImageFacts.Image(
                Digest.parse(ref.substring(ref.indexOf('@') + 1)),
                Digest.sha256("config"),
                List.of("/app"),
                List.of());
    platform.close();
    platform =
        PlatformService.serve(
            tee,
            a ->
                Optional.of(
                    new PodDirectory.Pod("shop", "web-1", "u", "runc", "runc", runningSpec)),
            any,
            "127.0.0.1",
            0,
            platformLog::add);
    assertThatThrownBy(() -> Agent.run(agent(), new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("measurement");
    assertThat(tmp.resolve("secrets/DB_PASSWORD")).doesNotExist();
  }

  @Test
  void aClaimedMeasurementIsIgnored() throws Exception {
    Digest claimed = Digest.sha256("what a forged agent says it is");
    var http = java.net.http.HttpClient.newHttpClient();
    String body =
        Json.canonical(
            Map.of(
                "reportData",
                java.util.Base64.getEncoder().encodeToString(new byte[64]),
                "measurement",
                claimed.toString()));
    var response =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + platform.port() + "/v1/evidence"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(dev.cairn.attest.Evidence.parse(response.body()).measurement())
        .isEqualTo(expected())
        .isNotEqualTo(claimed);
    assertThat(platformLog).anyMatch(l -> l.contains("its claim " + claimed + " ignored"));
  }

  @Test
  void aSandboxUnderAnotherRuntimeThanItsClassGetsNoEvidence() throws Exception {
    runningHandler = "kata-fake";
    WorkloadPolicies.install(service, SESSION, Set.of(expected()), Map.of());
    assertThatThrownBy(() -> Agent.run(agent(), new PrintStream(new ByteArrayOutputStream())))
        .hasMessageContaining("runs under runtime handler kata-fake");
  }

  @Test
  void theAgentRefusesAnIncompleteEnvironmentByName() {
    assertThatThrownBy(() -> Agent.Config.fromEnv(Map.of("CAIRN_SESSION", "s")))
        .hasMessage("CAIRN_ATTESTATION_URL is not set");
    assertThatThrownBy(
            () ->
                Agent.Config.fromEnv(
                    Map.of(
                        "CAIRN_SESSION",
                        "s",
                        "CAIRN_ATTESTATION_URL",
                        "ftp://x",
                        "CAIRN_PLATFORM_URL",
                        "http://x")))
        .hasMessage("CAIRN_ATTESTATION_URL is not an http(s) URL: ftp://x");
  }
}
