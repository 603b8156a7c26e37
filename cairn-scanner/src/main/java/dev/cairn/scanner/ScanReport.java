package dev.cairn.scanner;

import dev.cairn.core.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
 * @param baseline the baseline report applied ({@link Baseline#apply}), or null
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
    List<Notice> notices,
    @Nullable BaselineUse baseline) {

  public ScanReport {
    frameworks = Set.copyOf(frameworks);
    results = List.copyOf(results);
    notices = List.copyOf(notices);
  }

  /** A report with no baseline applied. */
  public ScanReport(
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
    this(
        tool,
        source,
        frameworks,
        checkPackDigest,
        pssVersion,
        startedAt,
        duration,
        objects,
        results,
        notices,
        null);
  }

  /**
   * The baseline report a report was compared with.
   *
   * @param source the baseline report's file, for people
   * @param findings findings of this scan left out because the baseline had them
   */
  public record BaselineUse(String source, long findings) {}

  /** This report with other results and notices (same scan, same metadata). */
  public ScanReport with(
      List<CheckResult> newResults, List<Notice> newNotices, @Nullable BaselineUse b) {
    return new ScanReport(
        tool,
        source,
        frameworks,
        checkPackDigest,
        pssVersion,
        startedAt,
        duration,
        objects,
        newResults,
        newNotices,
        b);
  }

  /**
   * Totals over every check.
   *
   * @param findings failed and errored findings (one per failing container)
   * @param waived waived objects
   * @param known checks that fail only where a baseline report failed too
   * @param knownFindings findings left out because a baseline report had them
   * @param manual checks for controls the API cannot decide (someone must judge them)
   */
  public record Summary(
      int checks,
      int passed,
      int failed,
      int errors,
      int notApplicable,
      long findings,
      long waived,
      int known,
      long knownFindings,
      int manual) {}

  /**
   * A framework's compliance score as Kubescape computes it: the mean of the {@linkplain
   * CheckResult#complianceScore() scores} of its checks that judged some object.
   *
   * @param framework the framework; null for every check of the report together
   * @param checks the checks that judged some object (those the mean is over)
   * @param score from 0 (every object fails every check) to 1 (all pass)
   */
  public record Compliance(@Nullable Framework framework, int checks, double score) {
    /** The score in percent with one decimal, e.g. {@code 83.4%}. */
    public String percent() {
      return String.format(java.util.Locale.ROOT, "%.1f%%", score * 100);
    }
  }

  /**
   * The compliance score of each framework some check of this report belongs to (in {@link
   * Framework} order, only those with a check that judged an object), then the overall one
   * (framework null) over every check; empty when no check judged any object.
   */
  public List<Compliance> compliance() {
    List<Compliance> out = new java.util.ArrayList<>();
    for (Framework f : Framework.values()) {
      score(f, results.stream().filter(r -> r.check().frameworks().contains(f)).toList())
          .ifPresent(out::add);
    }
    score(null, results).ifPresent(out::add);
    return out;
  }

  private static java.util.Optional<Compliance> score(
      @Nullable Framework f, List<CheckResult> checks) {
    double sum = 0;
    int n = 0;
    for (CheckResult r : checks) {
      java.util.OptionalDouble s = r.complianceScore();
      if (s.isPresent()) {
        sum += s.getAsDouble();
        n++;
      }
    }
    return n == 0
        ? java.util.Optional.empty()
        : java.util.Optional.of(new Compliance(f, n, sum / n));
  }

  public Summary summary() {
    int p = 0;
    int f = 0;
    int e = 0;
    int na = 0;
    long findings = 0;
    long waived = 0;
    int known = 0;
    long knownFindings = 0;
    int manual = 0;
    for (CheckResult r : results) {
      switch (r.status()) {
        // a check every failure of which is waived does not fail; the table shows it as waived
        case PASSED, WAIVED -> p++;
        case FAILED -> f++;
        case ERROR -> e++;
        case NOT_APPLICABLE -> na++;
        case KNOWN -> known++;
        case MANUAL -> manual++;
      }
      // per container: an object with two failing containers is two findings
      findings += r.findings().stream().filter(x -> x.state() != Finding.State.WAIVED).count();
      waived += r.waived();
    }
    if (baseline != null) {
      knownFindings = baseline.findings();
    }
    return new Summary(results.size(), p, f, e, na, findings, waived, known, knownFindings, manual);
  }

  /** The checks that stand for controls the API cannot decide (status {@code manual}). */
  public List<Check> manualControls() {
    return results.stream()
        .filter(r -> r.status() == CheckResult.Status.MANUAL)
        .map(CheckResult::check)
        .toList();
  }

  /** True when some check fails or errors at or above {@code threshold}. */
  public boolean failsAt(Severity threshold) {
    return results.stream().anyMatch(r -> r.failsAt(threshold));
  }

  /** This report showing only checks of {@code min} severity or more (a display filter). */
  public ScanReport atLeast(Severity min) {
    return with(
        results.stream().filter(r -> r.check().severity().atLeast(min)).toList(),
        notices,
        baseline);
  }

  /** True when some input could not be read (error notices). */
  public boolean hasInputErrors() {
    return notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR);
  }
}
