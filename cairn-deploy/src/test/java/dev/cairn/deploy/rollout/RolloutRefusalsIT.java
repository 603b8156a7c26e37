package dev.cairn.deploy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.PodImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine refuses before it touches a cluster (the target's kubeconfig does not even
 * exist): a pinned target, an image tag its registry lacks, an object in another namespace; and the
 * file history read back as written.
 */
class RolloutRefusalsIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  static OciClient oci;
  static String digestRef;

  @BeforeAll
  static void push() throws Exception {
    digestRef = PodImage.busybox().push(REGISTRY, "test/web:1");
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
  }

  private static TargetConfig target(Path dir) {
    return TargetConfig.of("prod", dir.resolve("no-such-kubeconfig"), "shop");
  }

  private static RolloutEngine engine(Path home) {
    return Rollouts.engine(Rollouts.fileHistory(CairnHome.of(home)), oci, null, Clock.systemUTC());
  }

  @Test
  void deploy_tagTheRegistryLacks_isRefusedBeforeAnythingIsApplied(@TempDir Path home)
      throws Exception {
    String image = REGISTRY.address() + "/test/web:nope";
    assertThatThrownBy(
            () ->
                engine(home)
                    .deploy(
                        new DeployRequest(
                            target(home),
                            Manifests.parse(Manifests.web(image, Manifests.SERVE, "/")),
                            null,
                            "dev")))
        .isInstanceOf(DeployException.class)
        .hasMessage(
            "Deployment web (-:1:1) container web: image "
                + image
                + " cannot be resolved to a digest: registry "
                + REGISTRY.address()
                + " has no tag nope in test/web")
        .satisfies(e -> assertThat(((DeployException) e).reason()).isEqualTo("image"));
    assertThat(engine(home).history("prod")).isEmpty();
  }

  @Test
  void pins_tagToItsDigest_andKeepsADigest() throws Exception {
    String byTag = REGISTRY.address() + "/test/web:1";
    ImagePins.Pinned p =
        new ImagePins(oci)
            .pin(
                Manifests.parse(
                    Manifests.web(byTag, "true", "/")
                        + "---\n"
                        + Manifests.web(digestRef, "true", "/")
                            .replace("name: web\n  labels", "name: web2\n  labels")));
    assertThat(p.images()).extracting(Object::toString).containsExactly(digestRef);
    assertThat(p.objects()).hasSize(2);
    assertThat(ImagePins.podSpecs("Deployment", p.objects().get(0).content()).get(0).toString())
        .contains("image=" + digestRef);
  }

  @Test
  void deploy_imageWithoutTagOrDigest_isRefused(@TempDir Path home) throws Exception {
    String image = REGISTRY.address() + "/test/web";
    assertThatThrownBy(
            () ->
                engine(home)
                    .deploy(
                        new DeployRequest(
                            target(home),
                            Manifests.parse(Manifests.web(image, Manifests.SERVE, "/")),
                            null,
                            "dev")))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("names neither tag nor digest");
  }

  @Test
  void deploy_pinnedTarget_isRefusedNamingRevAndWho(@TempDir Path home) throws Exception {
    DeployHistory h = Rollouts.fileHistory(CairnHome.of(home));
    h.setPin("prod", new Pin(3, "ops-bob", Instant.parse("2026-12-01T10:00:00Z")));
    assertThatThrownBy(
            () ->
                engine(home)
                    .deploy(
                        new DeployRequest(
                            target(home),
                            Manifests.parse(Manifests.web(digestRef, Manifests.SERVE, "/")),
                            null,
                            "dev")))
        .isInstanceOf(DeployException.class)
        .hasMessage(
            "target prod is pinned at rev 3 by ops-bob (since 2026-12-01T10:00:00Z): deploys are"
                + " refused until it is unpinned")
        .satisfies(
            e ->
                assertThat(((DeployException) e).fix())
                    .hasValueSatisfying(f -> assertThat(f.id()).isEqualTo("deploy.unpin")));
    assertThat(engine(home).unpin("prod"))
        .hasValueSatisfying(p -> assertThat(p.rev()).isEqualTo(3));
    assertThat(engine(home).pin("prod")).isEmpty();
  }

  @Test
  void deploy_objectInAnotherNamespace_isRefused(@TempDir Path home) throws Exception {
    String yaml =
        Manifests.web(digestRef, Manifests.SERVE, "/")
            .replaceFirst(
                "metadata:\n  name: web\n", "metadata:\n  name: web\n  namespace: other\n");
    assertThatThrownBy(
            () ->
                engine(home)
                    .deploy(new DeployRequest(target(home), Manifests.parse(yaml), null, "dev")))
        .isInstanceOf(DeployException.class)
        .hasMessage(
            "-:1:1: Deployment other/web names namespace other, but target prod deploys to shop");
  }

  @Test
  void fileHistory_readsBackWhatItWrote_andKeepsManifests(@TempDir Path home) throws Exception {
    DeployHistory h = Rollouts.fileHistory(CairnHome.of(home));
    Revision r =
        new Revision(
            1,
            "deploy",
            "c".repeat(40),
            List.of(digestRef),
            Instant.parse("2026-12-01T10:00:00Z"),
            "dev",
            "passed: signature",
            Revision.Outcome.APPLYING,
            null,
            null);
    h.record("prod", r, List.of(Map.of("apiVersion", "v1", "kind", "ConfigMap")));
    h.record("prod", r.ended(Revision.Outcome.ROLLED_BACK, "why", 7), null);
    DeployHistory again = Rollouts.fileHistory(CairnHome.of(home));
    assertThat(again.revisions("prod"))
        .containsExactly(r.ended(Revision.Outcome.ROLLED_BACK, "why", 7));
    assertThat(again.manifests("prod", 1))
        .containsExactly(Map.of("apiVersion", "v1", "kind", "ConfigMap"));
    assertThat(Files.list(home.resolve("deploy/targets/prod")).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("history.json", "rev-1.json");
  }

  @Test
  void withImage_setsThePushedDigestOnContainersOfItsRepositoryOnly() throws Exception {
    String other = "127.0.0.1:1/else/where:3";
    String yaml =
        Manifests.web(REGISTRY.address() + "/test/web:old", "true", "/")
            + "---\n"
            + Manifests.web(other, "true", "/").replaceFirst("name: web\n", "name: sidecar\n");
    List<dev.cairn.scanner.KubeObject> out =
        Rollouts.withImage(Manifests.parse(yaml), dev.cairn.supplychain.ImageRef.parse(digestRef));
    assertThat(ImagePins.podSpecs("Deployment", out.get(0).content()).get(0).toString())
        .contains("image=" + digestRef);
    assertThat(ImagePins.podSpecs("Deployment", out.get(1).content()).get(0).toString())
        .contains("image=" + other);
  }
}
