package dev.cairn.supplychain.vuln;

import dev.cairn.core.Digest;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the vulnerability gate found and decided.
 *
 * @param sbom the SBOM's file, as given
 * @param sbomDigest SHA-256 of the SBOM's bytes
 * @param components how many components it has
 * @param dbDigest the database's digest (over its imports)
 * @param dbDate the newest {@code modified} in the database: the date of the data
 * @param dbStale whether the data was older than the gate's maximum age
 * @param threshold the severity at and above which an open finding fails the gate
 * @param passed whether the gate passed
 * @param counts open (unwaived) findings by severity, every severity present
 * @param waived the ids of the waived findings, sorted, each once
 * @param expiredWaivers the ids whose only waiver had expired, sorted, each once
 * @param findings every finding, waived ones too, highest severity first
 * @param notices what could not be matched and why (no purl, unknown ecosystem, bad version)
 * @param scannedAt when
 */
public record VulnGateResult(
    String sbom,
    Digest sbomDigest,
    int components,
    Digest dbDigest,
    @Nullable Instant dbDate,
    boolean dbStale,
    Severity threshold,
    boolean passed,
    Map<Severity, Integer> counts,
    List<String> waived,
    List<String> expiredWaivers,
    List<VulnFinding> findings,
    List<String> notices,
    Instant scannedAt) {
  public VulnGateResult {
    EnumMap<Severity, Integer> c = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      c.put(s, counts.getOrDefault(s, 0));
    }
    counts = java.util.Collections.unmodifiableMap(c);
    waived = List.copyOf(waived);
    expiredWaivers = List.copyOf(expiredWaivers);
    findings = List.copyOf(findings);
    notices = List.copyOf(notices);
  }

  /** The open findings at or above the threshold: what failed the gate. */
  public List<VulnFinding> failing() {
    return findings.stream()
        .filter(f -> !f.waived() && f.severity().compareTo(threshold) >= 0)
        .toList();
  }
}
