package dev.cairn.scanner;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to scan.
 *
 * @param checks the checks to run (already selected by framework), at their PSS version ({@link
 *     CheckSet#pssVersion()})
 * @param frameworks the frameworks asked for, recorded in the report
 * @param waivers accepted exceptions
 * @param clock for waiver expiry and report times
 * @param parallelism worker threads; 1 evaluates on the calling thread
 * @param listener progress
 * @param apiVersions what CEL sees as {@code apiVersions}
 * @param kubeVersion what CEL sees as {@code kubeVersion}
 */
public record ScanOptions(
    CheckSet checks,
    Set<Framework> frameworks,
    Waivers waivers,
    Clock clock,
    int parallelism,
    ScanListener listener,
    List<String> apiVersions,
    Map<String, Object> kubeVersion) {

  public ScanOptions {
    frameworks = frameworks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(frameworks));
    apiVersions = List.copyOf(apiVersions);
    kubeVersion = Map.copyOf(kubeVersion);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
  }

  /** Every built-in check, no waivers, system clock, one thread per core. */
  public static ScanOptions defaults() {
    return new ScanOptions(
        Checks.builtin(),
        Set.of(),
        Waivers.none(),
        Clock.systemUTC(),
        Runtime.getRuntime().availableProcessors(),
        ScanListener.NONE,
        List.of(),
        Map.of());
  }

  public ScanOptions withChecks(CheckSet c) {
    return new ScanOptions(
        c, frameworks, waivers, clock, parallelism, listener, apiVersions, kubeVersion);
  }

  /**
   * The same checks at another Pod Security Standards version: checks introduced later are left
   * out, and the others apply that version's rules ({@link CheckSet#forPssVersion}).
   */
  public ScanOptions withPssVersion(PssVersion v) {
    return withChecks(checks.forPssVersion(v));
  }

  /** The PSS version the scan applies: that of {@link #checks()}. */
  public PssVersion pssVersion() {
    return checks.pssVersion();
  }

  public ScanOptions withFrameworks(Set<Framework> f) {
    return new ScanOptions(
        checks, f, waivers, clock, parallelism, listener, apiVersions, kubeVersion);
  }

  public ScanOptions withWaivers(Waivers w) {
    return new ScanOptions(
        checks, frameworks, w, clock, parallelism, listener, apiVersions, kubeVersion);
  }

  public ScanOptions withClock(Clock c) {
    return new ScanOptions(
        checks, frameworks, waivers, c, parallelism, listener, apiVersions, kubeVersion);
  }

  public ScanOptions withParallelism(int p) {
    return new ScanOptions(
        checks, frameworks, waivers, clock, p, listener, apiVersions, kubeVersion);
  }

  public ScanOptions withListener(ScanListener l) {
    return new ScanOptions(
        checks, frameworks, waivers, clock, parallelism, l, apiVersions, kubeVersion);
  }
}
