package dev.cairn.scanner;

import dev.cairn.scanner.internal.BaselineFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The failed findings of an earlier JSON report, so that a scan shows only what is new (for CI on
 * pull requests: the main branch's report is the baseline). A finding is known when the baseline
 * has one of the same check, object (kind, namespace, name) and container and field path; the
 * message and the file's line may change without making it new. Errors are never known: an
 * evaluation error is always shown.
 */
public final class Baseline {
  /** What identifies a finding across scans. */
  public record Key(
      String check,
      String kind,
      @Nullable String namespace,
      String name,
      @Nullable String container,
      @Nullable String path) {
    public static Key of(String check, Finding f) {
      ObjectRef o = f.object();
      return new Key(check, o.kind(), o.namespace(), o.name(), f.container(), f.path());
    }
  }

  private final String source;
  private final Set<Key> keys;

  private Baseline(String source, Collection<Key> keys) {
    this.source = source;
    this.keys = Set.copyOf(keys);
  }

  /** A baseline of {@code keys}; {@code source} names it for people. */
  public static Baseline of(String source, Collection<Key> keys) {
    return new Baseline(source, keys);
  }

  /**
   * The failed findings of the JSON report in {@code file} ({@code cairn scan -o json}, schema
   * {@code cairn.dev/scan-report/v1}).
   */
  public static Baseline read(Path file) throws ScanException {
    return new Baseline(file.toString(), BaselineFile.read(file));
  }

  /** How many findings the baseline knows. */
  public int size() {
    return keys.size();
  }

  public boolean knows(String check, Finding f) {
    return keys.contains(Key.of(check, f));
  }

  /**
   * {@code report} without the failed findings this baseline knows. An object all of whose failures
   * are known moves from {@code failed} to {@code known}; a check that then fails only on known
   * objects is {@link CheckResult.Status#KNOWN}, and does not fail a run ({@link
   * ScanReport#failsAt}). A notice says how many findings were left out.
   */
  public ScanReport apply(ScanReport report) {
    List<CheckResult> results = new ArrayList<>();
    long hidden = 0;
    long shown = 0;
    for (CheckResult cr : report.results()) {
      String id = cr.check().id();
      List<Finding> kept = new ArrayList<>();
      // per object: did it keep a failed finding, did it lose one
      Map<ObjectRef, boolean[]> objects = new java.util.HashMap<>();
      for (Finding f : cr.findings()) {
        if (f.state() != Finding.State.FAILED) {
          kept.add(f);
          continue;
        }
        boolean[] seen = objects.computeIfAbsent(f.object(), o -> new boolean[2]);
        if (knows(id, f)) {
          seen[1] = true;
          hidden++;
        } else {
          seen[0] = true;
          kept.add(f);
          shown++;
        }
      }
      long known = objects.values().stream().filter(s -> !s[0] && s[1]).count();
      long failed = cr.failed() - known;
      CheckResult.Status status = cr.status();
      if (status == CheckResult.Status.FAILED && failed == 0) {
        status = CheckResult.Status.KNOWN;
      }
      results.add(
          new CheckResult(
              cr.check(),
              status,
              cr.passed(),
              failed,
              cr.errors(),
              cr.waived(),
              kept,
              cr.known() + known));
    }
    List<Notice> notices = new ArrayList<>(report.notices());
    notices.add(
        new Notice(
            Notice.Level.INFO,
            dev.cairn.core.SourceLocation.of(source),
            dev.cairn.core.Text.count(hidden, "finding")
                + " known in this baseline report "
                + (hidden == 1 ? "is" : "are")
                + " not shown; "
                + shown
                + " new"));
    return report.with(results, notices, new ScanReport.BaselineUse(source, hidden));
  }
}
