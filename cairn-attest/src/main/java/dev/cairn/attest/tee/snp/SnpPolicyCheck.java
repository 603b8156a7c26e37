package dev.cairn.attest.tee.snp;

import java.util.Optional;

/**
 * The last step of SEV-SNP verification ({@code policy}): whether a report whose signature, chain
 * and TCB held is acceptable, judged on its guest policy and other fields. {@link #DEFAULT} refuses
 * a guest launched with debugging allowed; the attestation service's session policy adds the
 * measurement and report data on top.
 */
@FunctionalInterface
public interface SnpPolicyCheck {
  /** Why {@code report} is not acceptable, one line; empty when it is. */
  Optional<String> violation(SnpReport report);

  /**
   * Refuses a debuggable guest (POLICY bit 19): its host can decrypt and change the guest's memory,
   * so nothing the guest says can be trusted.
   */
  SnpPolicyCheck DEFAULT =
      report ->
          report.policy().debug()
              ? Optional.of(
                  "the guest policy allows debugging (POLICY bit 19): the host can read and"
                      + " change the guest's memory")
              : Optional.empty();

  /**
   * Accepts debuggable guests too: only for recorded test evidence from development machines (the
   * go-sev-guest Milan vector was produced by a debug guest), never for secrets.
   */
  static SnpPolicyCheck permitDebug() {
    return report -> Optional.empty();
  }

  /** This check, then {@code next} if this one passed. */
  default SnpPolicyCheck and(SnpPolicyCheck next) {
    return report -> {
      Optional<String> v = violation(report);
      return v.isPresent() ? v : next.violation(report);
    };
  }
}
