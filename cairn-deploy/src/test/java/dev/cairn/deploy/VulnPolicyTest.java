package dev.cairn.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.SourceLocation;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnFinding;
import dev.cairn.supplychain.vuln.VulnGate;
import dev.cairn.supplychain.vuln.VulnGateResult;
import dev.cairn.supplychain.vuln.VulnWaiver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy's judgement on the gate's own predicate ({@link VulnGate#predicateValue}) as a
 * verified image carries it; the image verification itself is tested in VulnerabilityGateIT.
 */
class VulnPolicyTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final ImageRef IMAGE = image();

  static final VulnPolicy HIGH = new VulnPolicy(Severity.HIGH, Duration.ofDays(7), true);

  @TempDir Path home;

  static ImageRef image() {
    try {
      return ImageRef.parse("registry.test/team/app@" + Digest.sha256("image"));
    } catch (dev.cairn.core.CairnException e) {
      throw new IllegalStateException(e);
    }
  }

  static VulnFinding finding(String id, Severity s, @Nullable VulnWaiver waiver) {
    return new VulnFinding(
        id,
        List.of(),
        List.of(id),
        "lib",
        "1.0",
        "pkg:maven/org.example/lib@1.0",
        "Maven",
        "org.example:lib",
        s,
        null,
        null,
        List.of(),
        "",
        waiver,
        null);
  }

  static VulnGateResult result(Instant dbDate, Instant scannedAt, VulnFinding... findings) {
    Map<Severity, Integer> counts = new java.util.EnumMap<>(Severity.class);
    List<String> waived = new ArrayList<>();
    for (VulnFinding f : findings) {
      if (f.waived()) {
        waived.add(f.id());
      } else {
        counts.merge(f.severity(), 1, Integer::sum);
      }
    }
    return new VulnGateResult(
        "app.cdx.json",
        Digest.sha256("sbom"),
        3,
        Digest.sha256("db"),
        dbDate,
        false,
        Severity.HIGH,
        true,
        counts,
        waived,
        List.of(),
        List.of(findings),
        List.of(),
        scannedAt);
  }

  static ImageVerifyResult.Attestation attested(Map<String, ?> predicate) {
    return new ImageVerifyResult.Attestation(
        VulnGate.PREDICATE_TYPE,
        "sha256:" + "ab".repeat(32),
        List.of("referrer"),
        dev.cairn.core.Json.canonical(predicate));
  }

  static ImageVerifyResult.Verified verified(
      List<ImageVerifyResult.Attestation> attestations, List<String> untrusted) {
    return new ImageVerifyResult.Verified(
        IMAGE,
        "registry registry.test",
        "k",
        List.of("tag"),
        "k",
        List.of("tag"),
        new ImageVerifyResult.Build(
            "https://cairn.dev/builder/v1", null, "t", null, null, null, null, NOW),
        true,
        List.of("registry"),
        List.of(),
        null,
        null,
        false,
        attestations,
        untrusted);
  }

  static List<String> reasons(VulnPolicy p, VulnGateResult... results) {
    List<ImageVerifyResult.Attestation> as = new ArrayList<>();
    for (VulnGateResult r : results) {
      as.add(attested(VulnGate.predicateValue(r)));
    }
    return p.judge(verified(as, List.of()), NOW).stream().map(VulnPolicy.Breach::reason).toList();
  }

  @Test
  void waivedFindingsAtTheSeverity_areNotCounted() {
    VulnWaiver w =
        new VulnWaiver("CVE-1", "*", "not reachable", NOW.plusSeconds(60), SourceLocation.of("w"));
    assertThat(
            reasons(
                HIGH,
                result(
                    NOW.minusSeconds(3600),
                    NOW,
                    finding("CVE-1", Severity.CRITICAL, w),
                    finding("CVE-2", Severity.MEDIUM, null))))
        .isEmpty();
  }

  @Test
  void theLatestScan_isJudged() {
    VulnGateResult old =
        result(NOW.minusSeconds(3600), NOW.minusSeconds(60), finding("CVE-1", Severity.HIGH, null));
    VulnGateResult rescanned = result(NOW.minusSeconds(60), NOW);
    assertThat(reasons(HIGH, old, rescanned)).isEmpty();
    assertThat(reasons(HIGH, rescanned, old)).isEmpty();
    assertThat(reasons(HIGH, old)).containsExactly(VulnPolicy.SEVERITY);
  }

  @Test
  void countsThatHideAnOpenFinding_stillRefuse() {
    Map<String, Object> p =
        new java.util.LinkedHashMap<>(
            VulnGate.predicateValue(
                result(NOW.minusSeconds(60), NOW, finding("CVE-9", Severity.CRITICAL, null))));
    p.put("counts", Map.of("critical", 0L));
    List<VulnPolicy.Breach> b = HIGH.judge(verified(List.of(attested(p)), List.of()), NOW);
    assertThat(b)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo(VulnPolicy.SEVERITY);
              assertThat(x.message()).isEqualTo("1 open finding at or above high: CVE-9");
            });
  }

  @Test
  void aPredicateWithoutCounts_isMalformed_andAnEmptyDatabaseDate_isStale() {
    Map<String, Object> p =
        new java.util.LinkedHashMap<>(VulnGate.predicateValue(result(NOW, NOW)));
    p.remove("counts");
    assertThat(HIGH.judge(verified(List.of(attested(p)), List.of()), NOW))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo(VulnPolicy.MALFORMED);
              assertThat(x.message())
                  .isEqualTo(
                      "the vulnerability gate's result cannot be read: predicate.counts is"
                          + " missing");
            });
    Map<String, Object> q =
        new java.util.LinkedHashMap<>(VulnGate.predicateValue(result(NOW, NOW)));
    q.put("database", Map.of("digest", "sha256:" + "00".repeat(32)));
    assertThat(HIGH.judge(verified(List.of(attested(q)), List.of()), NOW))
        .extracting(VulnPolicy.Breach::reason)
        .containsExactly(VulnPolicy.STALE);
  }

  @Test
  void anUntrustedAttestation_refusesEvenAnOptionalPolicy_andNoneDoesNot() {
    VulnPolicy optional = new VulnPolicy(Severity.HIGH, Duration.ofDays(7), false);
    assertThat(optional.judge(verified(List.of(), List.of(VulnGate.PREDICATE_TYPE)), NOW))
        .extracting(VulnPolicy.Breach::reason)
        .containsExactly(VulnPolicy.UNSIGNED);
    assertThat(optional.judge(verified(List.of(), List.of()), NOW)).isEmpty();
    assertThat(HIGH.judge(verified(List.of(), List.of("https://slsa.dev/provenance/v1")), NOW))
        .extracting(VulnPolicy.Breach::reason)
        .containsExactly(VulnPolicy.MISSING);
  }

  @Test
  void ages_readAndWrite() {
    assertThat(VulnPolicy.parseAge("7d")).contains(Duration.ofDays(7));
    assertThat(VulnPolicy.parseAge("36H")).contains(Duration.ofHours(36));
    assertThat(VulnPolicy.parseAge("90m")).contains(Duration.ofMinutes(90));
    assertThat(VulnPolicy.parseAge("0d")).isEmpty();
    assertThat(VulnPolicy.parseAge("7 days")).isEmpty();
    assertThat(VulnPolicy.formatAge(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(VulnPolicy.formatAge(Duration.ofDays(9).plusHours(2).plusSeconds(5)))
        .isEqualTo("9d 2h");
    assertThatThrownBy(() -> new VulnPolicy(Severity.HIGH, Duration.ZERO, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTarget_keepsItsPolicy() throws Exception {
    VulnPolicy p = new VulnPolicy(Severity.CRITICAL, Duration.ofMinutes(90), false);
    TargetConfig t = TargetConfig.of("prod", home.resolve("k"), "shop").withVulnerabilities(p);
    Targets.save(CairnHome.of(home), t);
    assertThat(Targets.require(CairnHome.of(home), "prod").vulnerabilities()).isEqualTo(p);
    assertThat(Targets.require(CairnHome.of(home), "prod").withVulnerabilities(null))
        .isEqualTo(t.withVulnerabilities(null));
  }
}
