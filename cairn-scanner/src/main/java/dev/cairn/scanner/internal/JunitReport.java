package dev.cairn.scanner.internal;

import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.ScanReport;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * JUnit XML for CI systems: a test suite per check; a test case per failing, erroring or waived
 * object (waived ones are skipped), and one case that stands for every passing object.
 */
public final class JunitReport {
  private JunitReport() {}

  /** Findings (test cases) in {@code state}: one per failing container. */
  private static long count(CheckResult cr, Finding.State state) {
    return cr.findings().stream().filter(f -> f.state() == state).count();
  }

  public static void write(ScanReport r, Writer out) throws IOException {
    long tests = 0;
    long failures = 0;
    long errors = 0;
    long skipped = 0;
    for (CheckResult cr : r.results()) {
      tests += cr.findings().size() + (cr.passed() > 0 || cr.findings().isEmpty() ? 1 : 0);
      failures += count(cr, Finding.State.FAILED);
      errors += count(cr, Finding.State.ERROR);
      skipped += count(cr, Finding.State.WAIVED) + (cr.objects() == 0 ? 1 : 0);
    }
    String secs = String.format(java.util.Locale.ROOT, "%.3f", r.duration().toMillis() / 1000.0);
    out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.write(
        "<testsuites name=\"cairn scan\" tests=\""
            + tests
            + "\" failures=\""
            + failures
            + "\" errors=\""
            + errors
            + "\" skipped=\""
            + skipped
            + "\" time=\""
            + secs
            + "\">\n");
    Instant ts = r.startedAt().truncatedTo(ChronoUnit.SECONDS);
    for (CheckResult cr : r.results()) {
      long t = cr.findings().size() + (cr.passed() > 0 || cr.findings().isEmpty() ? 1 : 0);
      String name = cr.check().id() + " " + cr.check().message();
      out.write(
          "  <testsuite name=\""
              + Xml.esc(name)
              + "\" tests=\""
              + t
              + "\" failures=\""
              + count(cr, Finding.State.FAILED)
              + "\" errors=\""
              + count(cr, Finding.State.ERROR)
              + "\" skipped=\""
              + (count(cr, Finding.State.WAIVED) + (cr.objects() == 0 ? 1 : 0))
              + "\" timestamp=\""
              + ts.toString().replace("Z", "")
              + "\">\n");
      out.write(
          "    <properties><property name=\"severity\" value=\""
              + cr.check().severity().display()
              + "\"/></properties>\n");
      String cls = Xml.esc(cr.check().id());
      for (Finding f : cr.findings()) {
        out.write(
            "    <testcase classname=\""
                + cls
                + "\" name=\""
                + Xml.esc(f.where())
                + "\" file=\""
                + Xml.esc(f.object().location().file())
                + "\""
                + (f.object().location().line() > 0
                    ? " line=\"" + f.object().location().line() + "\""
                    : "")
                + ">\n");
        String loc = Xml.esc(f.object().location() + (f.path() == null ? "" : " at " + f.path()));
        switch (f.state()) {
          case FAILED ->
              out.write(
                  "      <failure type=\""
                      + cr.check().severity().display()
                      + "\" message=\""
                      + Xml.esc(f.message())
                      + "\">"
                      + loc
                      + "</failure>\n");
          case ERROR ->
              out.write(
                  "      <error type=\"evaluation\" message=\""
                      + Xml.esc(f.message())
                      + "\">"
                      + loc
                      + "</error>\n");
          case WAIVED ->
              out.write(
                  "      <skipped message=\"waived: "
                      + Xml.esc(f.waiver() == null ? "" : f.waiver().reason())
                      + "\"/>\n");
        }
        out.write("    </testcase>\n");
      }
      if (cr.passed() > 0) {
        out.write(
            "    <testcase classname=\""
                + cls
                + "\" name=\""
                + cr.passed()
                + " object(s) passed\"/>\n");
      } else if (cr.findings().isEmpty()) {
        out.write(
            "    <testcase classname=\""
                + cls
                + "\" name=\"no matching objects\"><skipped message=\"not applicable\"/></testcase>\n");
      }
      out.write("  </testsuite>\n");
    }
    out.write("</testsuites>\n");
  }
}
