package dev.cairn.deploy.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnHome;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.PodImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate, each reason to refuse alone, against real images in a registry on 127.0.0.1: one signed
 * with cosign's format and attested with SLSA provenance by a builder key the trust root lists (an
 * unattested builder, which this trust root accepts), one not signed at all.
 */
class StandardGateIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  static final String REPO = "https://git.test/team/shop.git";
  static final KeyPair BUILDER = CosignKeys.generate();
  static final Instant NOW = Instant.now();

  static OciClient oci;
  static ImageRef signed;
  static ImageRef unsigned;
  @TempDir static Path home;

  @BeforeAll
  static void images() throws Exception {
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    PodImage base = PodImage.busybox();
    signed = ImageRef.parse(base.withLabel("v", "signed").push(REGISTRY, "team/shop:1"));
    unsigned = ImageRef.parse(base.withLabel("v", "unsigned").push(REGISTRY, "team/shop:2"));
    Cosign cosign = Cosign.using(oci, Clock.systemUTC());
    cosign.sign(signed, BUILDER.getPrivate(), Cosign.Storage.BOTH);
    cosign.attest(
        signed,
        Cosign.statement(signed, ImageVerifier.SLSA_PROVENANCE_V1, provenance()),
        BUILDER.getPrivate(),
        Cosign.Storage.BOTH);
    TrustRoot trust =
        TrustRoot.empty()
            .withTrusted(
                new TrustRoot.BuilderKey(BUILDER.getPublic().getEncoded()),
                NOW.minus(Duration.ofDays(1)))
            .withUnattestedBuildersAccepted(true);
    Files.writeString(CairnHome.of(home).trustRoot(), trust.toJson());
  }

  static Map<String, Object> provenance() {
    Map<String, Object> external = new LinkedHashMap<>();
    external.put("repository", REPO);
    external.put("ref", "refs/heads/main");
    Map<String, Object> def = new LinkedHashMap<>();
    def.put("buildType", "https://cairn.dev/pipeline/run/v1");
    def.put("externalParameters", external);
    def.put(
        "resolvedDependencies",
        List.of(
            Map.of(
                "uri",
                "git+" + REPO,
                "digest",
                Map.of("gitCommit", "0123456789abcdef0123456789abcdef01234567"))));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("invocationId", "run-1");
    meta.put("startedOn", NOW.minusSeconds(60).toString());
    meta.put("finishedOn", NOW.minusSeconds(30).toString());
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("builder", Map.of("id", "https://cairn.dev/builder/unattested/v1"));
    run.put("metadata", meta);
    return Map.of("buildDefinition", def, "runDetails", run);
  }

  static DeployGate gate() {
    return Gates.standard(CairnHome.of(home), oci, Clock.systemUTC());
  }

  static TargetConfig target() {
    return TargetConfig.of("prod", home.resolve("kubeconfig"), "shop");
  }

  static List<KubeObject> pod(String image, boolean privileged) throws Exception {
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: web
              image: %s
              securityContext: {privileged: %s}
        """
            .formatted(image, privileged);
    return ObjectSources.readAll(
        ObjectSources.manifests(
            List.of(Path.of("-")),
            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void signedImage_fromTheAllowedRepositoryAndBranch_passes() throws Exception {
    TargetConfig t =
        target().withGate(List.of(REPO), List.of("main"), List.of("pss-baseline"), false, null);
    GateDecision d = gate().decide(t, pod(signed.toString(), false), List.of(signed));
    assertThat(d.refusals()).isEmpty();
    assertThat(d.passed())
        .containsExactly("signature", "provenance", "repository", "branch", "frameworks");
    assertThat(d.summary())
        .isEqualTo("passed: signature, provenance, repository, branch, frameworks");
  }

  @Test
  void unsignedImage_isRefused_forItsSignature() throws Exception {
    GateDecision d = gate().decide(target(), pod(unsigned.toString(), false), List.of(unsigned));
    assertThat(d.refusals()).hasSize(1);
    GateDecision.Refusal r = d.refusals().get(0);
    assertThat(r.reason()).isEqualTo("signature");
    assertThat(r.subject()).isEqualTo(unsigned.toString());
    assertThat(d.summary()).isEqualTo("refused: signature");
  }

  @Test
  void imageFromAnotherRepository_isRefused_forTheRepository() throws Exception {
    TargetConfig t =
        target()
            .withGate(List.of("https://git.test/team/other"), List.of(), List.of(), false, null);
    GateDecision d = gate().decide(t, pod(signed.toString(), false), List.of(signed));
    assertThat(d.refusals())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo("repository");
              assertThat(r.message())
                  .isEqualTo(
                      "built from "
                          + REPO
                          + ", and target prod takes images built from"
                          + " https://git.test/team/other only");
            });
  }

  @Test
  void imageFromAnotherBranch_isRefused_forTheBranch() throws Exception {
    TargetConfig t =
        target().withGate(List.of(REPO + "/"), List.of("release"), List.of(), false, null);
    GateDecision d = gate().decide(t, pod(signed.toString(), false), List.of(signed));
    assertThat(d.refusals())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo("branch");
              assertThat(r.message())
                  .isEqualTo(
                      "built from refs/heads/main, and target prod takes images built from branch"
                          + " release only");
            });
  }

  @Test
  void manifestsFailingTheTargetsFramework_areRefused_forTheFrameworks() throws Exception {
    TargetConfig t = target().withGate(List.of(), List.of(), List.of("pss-baseline"), false, null);
    GateDecision d = gate().decide(t, pod(signed.toString(), true), List.of(signed));
    assertThat(d.refusals())
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.reason()).isEqualTo("frameworks"));
    assertThat(d.refusals())
        .anySatisfy(
            r -> {
              assertThat(r.subject()).isEqualTo("Pod web container web");
              assertThat(r.message()).containsIgnoringCase("privileged");
            });
    assertThat(d.passed()).containsExactly("signature", "provenance");
  }

  @Test
  void targetWithoutACertificate_isRefused_forTheCertificate() throws Exception {
    TargetConfig t = target().withGate(List.of(), List.of(), List.of(), true, null);
    GateDecision d = gate().decide(t, pod(signed.toString(), false), List.of(signed));
    assertThat(d.refusals())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo("certificate.missing");
              assertThat(r.message()).isEqualTo("target prod names no compliance certificate");
            });
  }

  @Test
  void unreadableCertificate_isRefused_forTheCertificate() throws Exception {
    Path cert = home.resolve("cert.json");
    Files.writeString(cert, "{\"not\": \"a certificate\"}");
    TargetConfig t = target().withGate(List.of(), List.of(), List.of(), true, cert);
    GateDecision d = gate().decide(t, pod(signed.toString(), false), List.of(signed));
    assertThat(d.refusals())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo("certificate.unreadable");
              assertThat(r.message()).startsWith("cannot read certificate " + cert + ": ");
            });
  }
}
