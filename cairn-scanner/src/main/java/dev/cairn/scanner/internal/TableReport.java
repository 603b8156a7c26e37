package dev.cairn.scanner.internal;

import dev.cairn.core.Text;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.ObjectRef;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human report: findings grouped by object, then one line per check, then totals. Names and
 * messages from files and clusters have their control characters escaped ({@link Text#escape}).
 * Notices are not part of it: they are diagnostics, which the command line prints on stderr.
 */
public final class TableReport {
  private static final String RESET = "\u001b[0m";
  private static final String RED = "\u001b[31m";
  private static final String YELLOW = "\u001b[33m";
  private static final String GREEN = "\u001b[32m";
  private static final String DIM = "\u001b[2m";
  private static final String BOLD = "\u001b[1m";

  private TableReport() {}

  private record Row(CheckResult result, Finding finding) {}

  public static void write(ScanReport r, Writer out, boolean color) throws IOException {
    Map<ObjectRef, List<Row>> byObject = new LinkedHashMap<>();
    for (CheckResult cr : r.results()) {
      for (Finding f : cr.findings()) {
        byObject.computeIfAbsent(f.object(), k -> new ArrayList<>()).add(new Row(cr, f));
      }
    }
    List<ObjectRef> objects = new ArrayList<>(byObject.keySet());
    objects.sort(
        Comparator.comparing((ObjectRef o) -> o.location().file())
            .thenComparingInt(o -> o.location().line())
            .thenComparing(ObjectRef::display));
    for (ObjectRef o : objects) {
      out.write(
          c(color, BOLD, Text.escape(o.display()))
              + "  "
              + c(color, DIM, Text.escape(o.location().toString()))
              + "\n");
      List<Row> rows = java.util.Objects.requireNonNull(byObject.get(o));
      rows.sort(
          Comparator.comparing((Row x) -> x.result().check().severity(), Comparator.reverseOrder())
              .thenComparing(x -> x.result().check().id()));
      for (Row row : rows) {
        Severity sev = row.result().check().severity();
        String state =
            switch (row.finding().state()) {
              case FAILED -> c(color, RED, pad("FAILED", 7));
              case ERROR -> c(color, YELLOW, pad("ERROR", 7));
              case WAIVED -> c(color, DIM, pad("WAIVED", 7));
            };
        String msg = row.finding().message();
        if (row.finding().container() != null) {
          msg += " [container " + row.finding().container() + "]";
        }
        if (row.finding().path() != null) {
          msg += " at " + row.finding().path();
        }
        if (row.finding().state() == Finding.State.WAIVED && row.finding().waiver() != null) {
          msg += " (waived: " + row.finding().waiver().reason() + ")";
        }
        out.write(
            "  "
                + pad(sev.display().toUpperCase(Locale.ROOT), 9)
                + pad(row.result().check().id(), 9)
                + state
                + " "
                + Text.escape(msg)
                + "\n");
      }
      out.write("\n");
    }
    List<CheckResult> checks = new ArrayList<>(r.results());
    checks.sort(
        Comparator.comparing((CheckResult x) -> x.check().severity(), Comparator.reverseOrder())
            .thenComparing(x -> -(x.failed() + x.errors()))
            .thenComparing(x -> x.check().id()));
    int titleWidth = 12;
    for (CheckResult cr : checks) {
      titleWidth = Math.max(titleWidth, Math.min(48, cr.check().message().length()));
    }
    out.write(
        c(
                color,
                BOLD,
                pad("SEVERITY", 10)
                    + pad("ID", 9)
                    + pad("CHECK", titleWidth + 2)
                    + pad("STATUS", 16)
                    + pad("FAILED", 8)
                    + pad("PASSED", 8)
                    + "WAIVED")
            + "\n");
    for (CheckResult cr : checks) {
      String status =
          switch (cr.status()) {
            case PASSED -> c(color, GREEN, pad("passed", 16));
            case FAILED -> c(color, RED, pad("FAILED", 16));
            case ERROR -> c(color, YELLOW, pad("ERROR", 16));
            case NOT_APPLICABLE -> c(color, DIM, pad("not applicable", 16));
            case WAIVED -> c(color, YELLOW, pad("waived", 16));
            case KNOWN -> c(color, DIM, pad("known", 16));
            case MANUAL -> c(color, DIM, pad("manual", 16));
          };
      String title = Text.escape(cr.check().message());
      if (title.length() > 48) {
        title = title.substring(0, 47) + "…";
      }
      out.write(
          pad(cr.check().severity().display(), 10)
              + pad(Text.escape(cr.check().id()), 9)
              + pad(title, titleWidth + 2)
              + status
              + pad(Long.toString(cr.failed() + cr.errors()), 8)
              + pad(Long.toString(cr.passed()), 8)
              + cr.waived()
              + "\n");
    }
    ScanReport.Summary s = r.summary();
    out.write("\n");
    out.write(
        Text.count(r.objects(), "object")
            + ", "
            + Text.count(s.checks(), "check")
            + ": "
            + s.passed()
            + " passed, "
            + s.failed()
            + " failed, "
            + Text.count(s.errors(), "error")
            + ", "
            + s.notApplicable()
            + " not applicable"
            + (s.manual() > 0 ? ", " + s.manual() + " manual" : "")
            + "; "
            + Text.count(s.findings(), "finding")
            + ", "
            + s.waived()
            + " waived"
            + (s.known() > 0 ? ", " + s.known() + " known" : "")
            + "\n");
    List<ScanReport.Compliance> scores = r.compliance();
    if (!scores.isEmpty()) {
      StringBuilder line = new StringBuilder("compliance score ");
      List<String> parts = new ArrayList<>();
      for (ScanReport.Compliance sc : scores) {
        dev.cairn.scanner.Framework f = sc.framework();
        if (f == null) {
          line.append(sc.percent());
        } else {
          parts.add(f.id() + " " + sc.percent());
        }
      }
      if (!parts.isEmpty()) {
        line.append(" (").append(String.join(", ", parts)).append(")");
      }
      out.write(line + "\n");
    }
    ScanReport.BaselineUse b = r.baseline();
    if (b != null) {
      out.write(
          Text.count(b.findings(), "finding")
              + " known in the baseline "
              + Text.escape(b.source())
              + " not shown\n");
    }
    // notices are diagnostics: the command line prints them on stderr
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
  }

  private static String c(boolean color, String code, String s) {
    return color ? code + s + RESET : s;
  }
}
