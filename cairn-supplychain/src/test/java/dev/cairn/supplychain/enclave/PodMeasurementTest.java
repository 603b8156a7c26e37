package dev.cairn.supplychain.enclave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodMeasurementTest {
  static final Digest APP = Digest.sha256("app manifest");
  static final Digest APP_CONFIG = Digest.sha256("app config");
  static final Digest AGENT = Digest.sha256("agent manifest");

  /** Facts as a registry would give them, for the two images of these tests. */
  static final ImageFacts IMAGES =
      ref -> {
        Digest d = Digest.parse(ref.substring(ref.indexOf('@') + 1));
        if (d.equals(APP)) {
          return new ImageFacts.Image(
              APP, APP_CONFIG, List.of("/bin/server"), List.of("--port", "8080"));
        }
        if (d.equals(AGENT)) {
          return new ImageFacts.Image(
              AGENT, Digest.sha256("agent config"), List.of("/opt/java/bin/java"), List.of());
        }
        throw new CairnException("no such image " + ref, null);
      };

  static Map<String, Object> pod(Map<String, Object> app) {
    Map<String, Object> spec = new HashMap<>();
    spec.put("runtimeClassName", "cairn-simulation");
    spec.put(
        "initContainers", List.of(Map.of("name", "cairn-agent", "image", "reg/agent@" + AGENT)));
    spec.put("containers", List.of(app));
    return spec;
  }

  static Map<String, Object> app() {
    Map<String, Object> c = new HashMap<>();
    c.put("name", "app");
    c.put("image", "127.0.0.1:5000/team/app@" + APP);
    return c;
  }

  @Test
  void imageEntrypointAndCmdApplyWhenThePodSaysNothing() throws Exception {
    PodMeasurement m = PodMeasurement.of(pod(app()), "simulation", IMAGES);
    ContainerFacts c = m.containers().get(0);
    assertThat(c.entrypoint()).containsExactly("/bin/server");
    assertThat(c.args()).containsExactly("--port", "8080");
    assertThat(c.config()).isEqualTo(APP_CONFIG);
    assertThat(m.initContainers()).extracting(ContainerFacts::name).containsExactly("cairn-agent");
    assertThat(m.runtimeClassName()).isEqualTo("cairn-simulation");
    assertThat(m.canonicalJson())
        .startsWith("{\"containers\":[{\"args\":[\"--port\",\"8080\"],\"config\":\"" + APP_CONFIG);
    assertThat(m.digest())
        .isEqualTo(Digest.sha256(m.canonicalJson().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void commandDiscardsTheImageCmdAndArgsReplaceIt() throws Exception {
    Map<String, Object> withCommand = app();
    withCommand.put("command", List.of("/bin/sh", "-c"));
    ContainerFacts c =
        PodMeasurement.of(pod(withCommand), "simulation", IMAGES).containers().get(0);
    assertThat(c.entrypoint()).containsExactly("/bin/sh", "-c");
    assertThat(c.args()).isEmpty();

    Map<String, Object> withArgs = app();
    withArgs.put("args", List.of("--debug"));
    c = PodMeasurement.of(pod(withArgs), "simulation", IMAGES).containers().get(0);
    assertThat(c.entrypoint()).containsExactly("/bin/server");
    assertThat(c.args()).containsExactly("--debug");
  }

  @Test
  void everythingAPodRunsChangesTheMeasurement() throws Exception {
    Digest base = PodMeasurement.of(pod(app()), "simulation", IMAGES).digest();
    assertThat(PodMeasurement.of(pod(app()), "simulation", IMAGES).digest()).isEqualTo(base);

    Map<String, Object> args = app();
    args.put("args", List.of("--port", "8081"));
    Map<String, Object> env = app();
    env.put("env", List.of(Map.of("name", "LD_PRELOAD", "value", "/tmp/x.so")));
    Map<String, Object> otherClass = pod(app());
    otherClass.put("runtimeClassName", "runc");
    Map<String, Object> sidecar = pod(app());
    sidecar.put(
        "containers", List.of(app(), Map.of("name", "peek", "image", "reg/agent@" + AGENT)));
    assertThat(
            List.of(
                PodMeasurement.of(pod(args), "simulation", IMAGES).digest(),
                PodMeasurement.of(pod(env), "simulation", IMAGES).digest(),
                PodMeasurement.of(otherClass, "simulation", IMAGES).digest(),
                PodMeasurement.of(sidecar, "simulation", IMAGES).digest(),
                PodMeasurement.of(pod(app()), "tdx", IMAGES).digest()))
        .doesNotContain(base)
        .doesNotHaveDuplicates();
  }

  @Test
  void anEnvironmentFromASecretIsMeasuredByItsSourceNeverItsValue() throws Exception {
    Map<String, Object> c = app();
    c.put(
        "env",
        List.of(
            Map.of(
                "name",
                "TOKEN",
                "valueFrom",
                Map.of("secretKeyRef", Map.of("name", "creds", "key", "token")))));
    ContainerFacts f = PodMeasurement.of(pod(c), "simulation", IMAGES).containers().get(0);
    assertThat(f.env())
        .containsEntry(
            "TOKEN", "valueFrom:{\"secretKeyRef\":{\"key\":\"token\",\"name\":\"creds\"}}");
  }

  @Test
  void anImageByTagIsRefusedWithAHint() {
    Map<String, Object> c = app();
    c.put("image", "127.0.0.1:5000/team/app:latest");
    assertThatThrownBy(() -> PodMeasurement.of(pod(c), "simulation", IMAGES))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("container app names its image 127.0.0.1:5000/team/app:latest by tag")
        .satisfies(
            e ->
                assertThat(((CairnException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("by digest")));
  }

  @Test
  void aResolverThatAnswersForAnotherDigestIsRefused() {
    ImageFacts lying =
        ref -> new ImageFacts.Image(Digest.sha256("else"), APP_CONFIG, List.of(), List.of());
    assertThatThrownBy(() -> PodMeasurement.of(pod(app()), "simulation", lying))
        .hasMessageContaining("resolved to manifest " + Digest.sha256("else"));
  }
}
