package dev.cairn.deploy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.deploy.VulnPolicy;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnDb;
import dev.cairn.testing.LocalRegistry;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's vulnerability demand, judged by the deploy gate's code ({@link VulnPolicy}), on
 * real AdmissionReview v1 documents and images in a real docker-registry on 127.0.0.1, each
 * carrying the real vulnerability gate's result as a cosign attestation by the trusted builder.
 */
class AdmissionVulnerabilitiesTest {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir static Path dir;
  static OciClient oci;
  static ImageRef clean;
  static ImageRef critical;
  static ImageRef none;
  static Admission admission;

  @BeforeAll
  static void images() throws Exception {
    KeyPair builder = CosignKeys.generate();
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    ImageRef repo = ImageRef.parse(REGISTRY.address() + "/team/app:v1");
    VulnDb db =
        VulnGateResults.database(dir.resolve("db"), Instant.now().minus(Duration.ofDays(1)));
    clean = SignedImages.signed(oci, repo, builder, "clean");
    VulnGateResults.attest(
        oci, clean, VulnGateResults.scan(db, dir, Severity.HIGH, "med-lib", "waived-lib"), builder);
    critical = SignedImages.signed(oci, repo, builder, "critical");
    VulnGateResults.attest(
        oci, critical, VulnGateResults.scan(db, dir, Severity.HIGH, "crit-lib"), builder);
    none = SignedImages.signed(oci, repo, builder, "none");
    admission =
        Admission.builder(SignedImages.trusting(builder), oci)
            .vulnerabilities(new VulnPolicy(Severity.HIGH, Duration.ofDays(7), true))
            .build();
  }

  @AfterAll
  static void close() {
    admission.close();
  }

  static Decision decide(ImageRef image) throws Exception {
    return admission.decide(
        AdmissionTest.request(
            Reviews.pod("u", "shop", "CREATE", Reviews.containers("app", image.toString()))));
  }

  @Test
  void imageWithAnAttestedResultWithinPolicy_isAllowed() throws Exception {
    Map<?, ?> r =
        AdmissionTest.response(
            admission
                .review(
                    Reviews.pod(
                        "uid-v", "shop", "CREATE", Reviews.containers("app", clean.toString())))
                .orElseThrow());
    assertThat(r.get("allowed")).isEqualTo(true);
    assertThat(AdmissionTest.message(r))
        .isEqualTo("cairn admission: 1 image verified, vulnerabilities within policy");
  }

  @Test
  void imageWithAnOpenCriticalFinding_isDenied_forTheSeverity() throws Exception {
    Decision d = decide(critical);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons())
        .singleElement()
        .asString()
        .isEqualTo(
            "container \"app\": image "
                + critical
                + " refused: vulnerabilities.severity: 1 open finding at or above high (critical"
                + " 1): "
                + VulnGateResults.CRITICAL);
  }

  @Test
  void imageWithoutTheAttestation_isDenied_asMissing() throws Exception {
    Decision d = decide(none);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons())
        .singleElement()
        .asString()
        .startsWith("container \"app\": image " + none + " refused: vulnerabilities.missing: ");
  }
}
