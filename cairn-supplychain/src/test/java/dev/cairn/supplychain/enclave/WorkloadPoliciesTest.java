package dev.cairn.supplychain.enclave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Attestations;
import dev.cairn.attest.EnclaveKey;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.Policy;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadPoliciesTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
  static final String SESSION = WorkloadPolicies.session("shop", "web");

  @TempDir Path tmp;
  TeeProvider tee;
  AttestationService service;

  @BeforeEach
  void setUp() throws Exception {
    tee = Tees.simulation(CairnHome.of(tmp.resolve("home")), CLOCK);
    service = AttestationService.open(tmp.resolve("cas"), List.of(tee.platformKey()), CLOCK);
  }

  private AttestationService.Release attest(Digest measurement, EnclaveKey key) throws Exception {
    AttestationService.Challenge c = service.challenge(SESSION, WorkloadPolicies.SERVICE);
    Evidence e = tee.evidence(measurement, Attestations.reportData(c.nonce(), key.publicKey()));
    return service.release(SESSION, WorkloadPolicies.SERVICE, c.nonce(), e, key.publicKey());
  }

  @Test
  void theWorkloadGetsItsSuppliedSecretOnlyWithItsMeasurement() throws Exception {
    Digest good = Digest.sha256("pod v1");
    Policy p =
        WorkloadPolicies.install(
            service,
            SESSION,
            Set.of(good),
            Map.of("DB_PASSWORD", Secret.of("s3cr3t".getBytes(StandardCharsets.UTF_8))));
    assertThat(p.version()).isEqualTo(1);
    assertThat(p.secrets())
        .extracting(Policy.SecretSpec::kind)
        .containsExactly(Policy.Kind.SUPPLIED);

    EnclaveKey key = EnclaveKey.generate();
    AttestationService.Release r = attest(good, key);
    assertThat(r.secrets()).hasSize(1);
    assertThat(new String(key.open(r.secrets().get(0)).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("s3cr3t");

    assertThatThrownBy(() -> attest(Digest.sha256("pod v1, one byte changed"), key))
        .isInstanceOf(AttestationException.class);
    // the supplied value is kept by the service, never in its audit log
    assertThat(String.join("\n", service.auditLog())).doesNotContain("s3cr3t");
    try (var files = Files.walk(tmp.resolve("cas"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).doesNotContain("s3cr3t");
      }
    }
  }

  @Test
  void eachNewMeasurementIsTheNextVersionNamingItsPredecessor() throws Exception {
    Map<String, Secret> secrets = Map.of("API_KEY", Secret.of(new byte[] {1, 2, 3}));
    Policy v1 = WorkloadPolicies.install(service, SESSION, Set.of(Digest.sha256("a")), secrets);
    Policy again = WorkloadPolicies.install(service, SESSION, Set.of(Digest.sha256("a")), secrets);
    assertThat(again).isEqualTo(v1);
    Policy v2 = WorkloadPolicies.install(service, SESSION, Set.of(Digest.sha256("b")), secrets);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.predecessor()).isEqualTo(v1.digest());
    assertThatThrownBy(() -> attest(Digest.sha256("a"), EnclaveKey.generate()))
        .isInstanceOf(AttestationException.class);
    assertThat(attest(Digest.sha256("b"), EnclaveKey.generate()).secrets()).hasSize(1);
  }

  @Test
  void aSecretNeverSuppliedIsNotReleasedAsAnythingElse() throws Exception {
    Digest m = Digest.sha256("pod");
    service.install(
        WorkloadPolicies.next(java.util.Optional.empty(), SESSION, Set.of(m), Set.of("X")));
    assertThatThrownBy(() -> attest(m, EnclaveKey.generate()))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("secret X of session " + SESSION + " was never supplied");
  }

  @Test
  void runtimeClassesDefaultToTheConfidentialContainersNames() {
    assertThat(WorkloadPolicies.defaultRuntimeClass("tdx")).isEqualTo("kata-qemu-tdx");
    assertThat(WorkloadPolicies.defaultRuntimeClass("sev-snp")).isEqualTo("kata-qemu-snp");
    assertThat(WorkloadPolicies.defaultRuntimeClass("simulation")).isEqualTo("kata-qemu-coco-dev");
  }
}
