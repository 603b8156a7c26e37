package dev.cairn.scanner;

import dev.cairn.core.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The result of one scan.
 *
 * @param tool {@code cairn <version>}
 * @param source what was scanned, for people
 * @param frameworks frameworks selected (empty means every check)
 * @param checkPackDigest digest over the checks that ran (ids, expressions, params), in id order,
 *     and the PSS version
 * @param pssVersion the Pod Security Standards version the checks applied
 * @param startedAt when the scan started
 * @param duration how long it took
 * @param objects objects read
 * @param results one per check, in check id order
 * @param notices what is worth knowing besides findings
 */
public record ScanReport(
    String tool,
    String source,
    Set<Framework> frameworks,
    Digest checkPackDigest,
    PssVersion pssVersion,
    Instant startedAt,
    Duration duration,
    long objects,
    List<CheckResult> results,
    List<Notice> notices) {

  public ScanReport {
    frameworks = Set.copyOf(frameworks);
    results = List.copyOf(results);
    notices = List.copyOf(notices);
  }

  /** Totals over every check. */
  public record Summary(
      int checks,
      int passed,
      int failed,
      int errors,
      int notApplicable,
      long findings,
      long waived) {}

  public Summary summary() {
    int p = 0;
    int f = 0;
    int e = 0;
    int na = 0;
    long findings = 0;
    long waived = 0;
    for (CheckResult r : results) {
      switch (r.status()) {
        // a check every failure of which is waived does not fail; the table shows it as waived
        case PASSED, WAIVED -> p++;
        case FAILED -> f++;
        case ERROR -> e++;
        case NOT_APPLICABLE -> na++;
      }
      findings += r.failed() + r.errors();
      waived += r.waived();
    }
    return new Summary(results.size(), p, f, e, na, findings, waived);
  }

  /** True when some check fails or errors at or above {@code threshold}. */
  public boolean failsAt(Severity threshold) {
    return results.stream().anyMatch(r -> r.failsAt(threshold));
  }

  /** This report showing only checks of {@code min} severity or more (a display filter). */
  public ScanReport atLeast(Severity min) {
    return new ScanReport(
        tool,
        source,
        frameworks,
        checkPackDigest,
        pssVersion,
        startedAt,
        duration,
        objects,
        results.stream().filter(r -> r.check().severity().atLeast(min)).toList(),
        notices);
  }

  /** True when some input could not be read (error notices). */
  public boolean hasInputErrors() {
    return notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR);
  }
}
