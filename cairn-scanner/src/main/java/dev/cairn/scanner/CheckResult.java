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
 */
public record CheckResult(
    Check check,
    Status status,
    long passed,
    long failed,
    long errors,
    long waived,
    List<Finding> findings) {

  public CheckResult {
    findings = List.copyOf(findings);
  }

  /**
   * The check's status: {@code ERROR} if any object errored (or the check itself could not run),
   * else {@code FAILED} if any failed, else {@code WAIVED} when it failed on every object it
   * matched and waivers cover each failure, else {@code PASSED}; {@code NOT_APPLICABLE} when it
   * matched no object at all.
   */
  public enum Status {
    PASSED,
    FAILED,
    ERROR,
    NOT_APPLICABLE,
    WAIVED
  }

  public long objects() {
    return passed + failed + errors + waived;
  }

  /**
   * True when this result should fail a run at {@code threshold}: failures or errors at or above
   * it.
   */
  public boolean failsAt(Severity threshold) {
    return (failed > 0 || errors > 0) && check.severity().atLeast(threshold);
  }
}
