package dev.cairn.scanner;

import java.util.List;

/**
 * A check's outcome over every object it matched.
 *
 * @param check the check
 * @param status the overall status
 * @param passed objects that passed
 * @param failed objects that failed
 * @param errors objects the check could not decide (evaluation errors)
 * @param waived objects whose failure a waiver covers
 * @param findings every non-passing verdict, in input order
 * @param known objects whose every failure a baseline report already had ({@link Baseline#apply});
 *     they are neither failed nor passed, and their findings are not listed
 */
public record CheckResult(
    Check check,
    Status status,
    long passed,
    long failed,
    long errors,
    long waived,
    List<Finding> findings,
    long known) {

  public CheckResult {
    findings = List.copyOf(findings);
  }

  /** A result with no baseline applied. */
  public CheckResult(
      Check check,
      Status status,
      long passed,
      long failed,
      long errors,
      long waived,
      List<Finding> findings) {
    this(check, status, passed, failed, errors, waived, findings, 0);
  }

  /**
   * The check's status: {@code ERROR} if any object errored (or the check itself could not run),
   * else {@code FAILED} if any failed, else {@code WAIVED} when it failed on every object it
   * matched and waivers cover each failure, else {@code PASSED}; {@code NOT_APPLICABLE} when it
   * matched no object at all. {@code KNOWN} when, a baseline applied, it still fails but only where
   * the baseline report failed too: no new finding. {@code MANUAL} for a control the Kubernetes API
   * cannot decide ({@link Check#manual()} says why): someone must judge it, nothing passed.
   */
  public enum Status {
    PASSED,
    FAILED,
    ERROR,
    NOT_APPLICABLE,
    WAIVED,
    KNOWN,
    MANUAL
  }

  public long objects() {
    return passed + failed + errors + waived + known;
  }

  /**
   * This check's compliance score, Kubescape's control compliance score: passing objects (waived
   * ones count as passing, as an accepted exception) over every object it judged, from 0 to 1;
   * empty when it judged none (not applicable). Objects known from a baseline still fail.
   */
  public java.util.OptionalDouble complianceScore() {
    long all = objects();
    return all == 0
        ? java.util.OptionalDouble.empty()
        : java.util.OptionalDouble.of((double) (passed + waived) / all);
  }

  /**
   * True when this result should fail a run at {@code threshold}: failures or errors at or above
   * it.
   */
  public boolean failsAt(Severity threshold) {
    return (failed > 0 || errors > 0) && check.severity().atLeast(threshold);
  }
}
