package dev.cairn.attest.tee;

import java.util.List;
import java.util.Objects;

/** The outcome of verifying hardware evidence: every link held, or the first one that broke. */
public sealed interface TeeVerification {

  /** The links checked, in order, each named as in {@link Failed#step()}. */
  List<String> passed();

  /**
   * Every link held.
   *
   * @param evidence what was verified
   * @param tcbStatus the platform's TCB status by the collateral
   * @param advisories security advisory ids the collateral lists for that status (Intel's
   *     INTEL-SA-xxxxx); empty when none or for SNP
   * @param passed the links checked
   */
  record Verified(
      HardwareEvidence evidence, TcbStatus tcbStatus, List<String> advisories, List<String> passed)
      implements TeeVerification {
    public Verified {
      Objects.requireNonNull(evidence, "evidence");
      Objects.requireNonNull(tcbStatus, "tcbStatus");
      advisories = List.copyOf(advisories);
      passed = List.copyOf(passed);
    }
  }

  /**
   * A link broke: verification stopped there and the evidence is not to be trusted.
   *
   * @param step the link, e.g. {@code quote-signature}, {@code pck-chain}, {@code crl}, {@code
   *     tcb-info-signature}, {@code tcb-status}, {@code report-signature}, {@code vcek-chain}
   * @param message what was wrong, one line, naming the certificate or field involved
   * @param passed the links that held before it
   */
  record Failed(String step, String message, List<String> passed) implements TeeVerification {
    public Failed {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(message, "message");
      passed = List.copyOf(passed);
    }
  }
}
