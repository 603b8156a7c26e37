package dev.cairn.scanner;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.internal.Glob;
import dev.cairn.scanner.internal.WaiverParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accepted exceptions: from an exceptions file, and from object annotations ({@code
 * cairn.dev/waive: "CRN-101, CRN-102"}, {@code cairn.dev/waive-reason}, {@code
 * cairn.dev/waive-until}; Marvin's {@code marvin.undistro.io/skip} is honoured the same way).
 */
public final class Waivers {
  public static final String ANNOTATION = "cairn.dev/waive";
  public static final String ANNOTATION_REASON = "cairn.dev/waive-reason";
  public static final String ANNOTATION_UNTIL = "cairn.dev/waive-until";
  public static final String MARVIN_SKIP = "marvin.undistro.io/skip";

  private final List<Waiver> fromFile;

  private Waivers(List<Waiver> fromFile) {
    this.fromFile = List.copyOf(fromFile);
  }

  public static Waivers none() {
    return new Waivers(List.of());
  }

  public static Waivers of(List<Waiver> waivers) {
    return new Waivers(waivers);
  }

  /**
   * Reads an exceptions file:
   *
   * <pre>
   * exceptions:
   *   - check: CRN-105          # id or glob
   *     namespace: monitoring   # glob, default *
   *     name: node-exporter*    # glob, default *
   *     kind: DaemonSet         # default *
   *     reason: needs host ports to export node metrics
   *     expires: 2027-03-31     # date (end of day UTC) or RFC 3339 instant; required
   * </pre>
   */
  public static Waivers load(Path file) throws CheckException, ScanException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ScanException(
          "cannot read exceptions file " + file + ": " + e.getMessage(),
          "check the exceptions file's path",
          e);
    }
    List<Diagnostic> diags = new ArrayList<>();
    List<Waiver> ws = WaiverParser.parse(file.toString(), text, diags);
    if (!diags.isEmpty()) {
      throw new CheckException(
          diags,
          "lint the exceptions file to see every problem",
          dev.cairn.core.Fix.of("checks.lint", "path", file.toString()));
    }
    return new Waivers(ws);
  }

  public List<Waiver> fileWaivers() {
    return fromFile;
  }

  /**
   * The waiver that covers {@code checkId} on {@code object}: a live one if any, else an expired
   * one (so the report can say it expired), else empty.
   */
  public Optional<Waiver> find(String checkId, KubeObject object, Instant now) {
    Optional<Waiver> a = annotationWaiver(checkId, object);
    if (a.isPresent() && !a.get().expiredAt(now)) {
      return a;
    }
    String ns = object.namespace() == null ? "" : object.namespace();
    Waiver expired = a.orElse(null);
    for (Waiver w : fromFile) {
      if (Glob.matches(w.check(), checkId)
          && (w.namespace().equals("*") || Glob.matches(w.namespace(), ns))
          && Glob.matches(w.name(), object.name())
          && (w.kind().equals("*") || w.kind().equalsIgnoreCase(object.kind()))) {
        if (!w.expiredAt(now)) {
          return Optional.of(w);
        }
        if (expired == null) {
          expired = w;
        }
      }
    }
    return Optional.ofNullable(expired);
  }

  private static Optional<Waiver> annotationWaiver(String checkId, KubeObject o) {
    Map<String, Object> ann = o.annotations();
    if (ann.isEmpty()) {
      return Optional.empty();
    }
    SourceLocation at = o.location();
    if (ann.get(ANNOTATION) instanceof String ids && listed(ids, checkId)) {
      String reason =
          ann.get(ANNOTATION_REASON) instanceof String r && !r.isBlank()
              ? r
              : "annotation " + ANNOTATION;
      Instant until = null;
      if (ann.get(ANNOTATION_UNTIL) instanceof String u) {
        until = WaiverParser.parseExpiry(u);
        if (until == null) {
          // an unreadable expiry must not waive forever
          until = Instant.EPOCH;
        }
      }
      return Optional.of(new Waiver(checkId, "*", o.name(), o.kind(), reason, until, at));
    }
    if (ann.get(MARVIN_SKIP) instanceof String ids && listed(ids, checkId)) {
      return Optional.of(
          new Waiver(checkId, "*", o.name(), o.kind(), "annotation " + MARVIN_SKIP, null, at));
    }
    return Optional.empty();
  }

  private static boolean listed(String ids, String checkId) {
    for (String s : ids.split(",")) {
      if (s.strip().equals(checkId)) {
        return true;
      }
    }
    return false;
  }
}
