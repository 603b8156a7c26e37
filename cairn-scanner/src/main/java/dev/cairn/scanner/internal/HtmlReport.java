package dev.cairn.scanner.internal;

import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ScanReport;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.stream.Collectors;

/** A self-contained HTML report: no scripts, no external resources, printable. */
public final class HtmlReport {
  private static final String CSS =
      """
      body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2329}
      h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
      .meta{color:#5b6570;margin:0 0 1rem}.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
      .card{border:1px solid #d8dee4;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
      .card b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}
      th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e6eaef;vertical-align:top}
      th{background:#f4f6f8;font-weight:600}.failed{color:#b42318;font-weight:600}.error{color:#b54708;font-weight:600}
      .passed{color:#067647}.na,.waived{color:#7a8591}.sev-Critical,.sev-High{color:#b42318}.sev-Medium{color:#b54708}
      code{font-size:12px;background:#f4f6f8;padding:0 .25rem;border-radius:3px}details{margin:.2rem 0}
      """;

  private HtmlReport() {}

  public static void write(ScanReport r, Writer out) throws IOException {
    ScanReport.Summary s = r.summary();
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    out.write("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n");
    out.write("<title>Cairn scan report</title>\n<style>" + CSS + "</style></head><body>\n");
    out.write("<h1>Cairn scan report</h1>\n");
    String fw =
        r.frameworks().isEmpty()
            ? "all frameworks"
            : r.frameworks().stream().map(Framework::id).sorted().collect(Collectors.joining(", "));
    out.write(
        "<p class=\"meta\">"
            + Xml.esc(r.source())
            + " &middot; "
            + Xml.esc(fw)
            + " &middot; "
            + Xml.esc(r.tool())
            + " &middot; "
            + Xml.esc(r.startedAt().toString())
            + " &middot; check pack <code>"
            + Xml.esc(r.checkPackDigest().toString())
            + "</code></p>\n");
    out.write("<div class=\"cards\">");
    card(out, "objects", Long.toString(r.objects()));
    card(out, "checks", Integer.toString(s.checks()));
    card(out, "passed", Integer.toString(s.passed()));
    card(out, "failed", Integer.toString(s.failed()));
    card(out, "errors", Integer.toString(s.errors()));
    card(out, "findings", Long.toString(s.findings()));
    card(out, "waived", Long.toString(s.waived()));
    out.write(
        "</div>\n<h2>Checks</h2>\n<table><thead><tr><th>Severity</th><th>ID</th><th>Check</th>"
            + "<th>Frameworks</th><th>Status</th><th>Failed</th><th>Passed</th><th>Waived</th></tr></thead><tbody>\n");
    for (CheckResult cr : r.results()) {
      String st = cr.status().name().toLowerCase(Locale.ROOT);
      String cls = cr.status() == CheckResult.Status.NOT_APPLICABLE ? "na" : st;
      out.write(
          "<tr><td class=\"sev-"
              + cr.check().severity().display()
              + "\">"
              + cr.check().severity().display()
              + "</td><td><a href=\"#"
              + Xml.esc(cr.check().id())
              + "\">"
              + Xml.esc(cr.check().id())
              + "</a></td><td>"
              + Xml.esc(cr.check().message())
              + "</td><td>"
              + Xml.esc(
                  cr.check().frameworks().stream()
                      .map(Framework::id)
                      .collect(Collectors.joining(", ")))
              + "</td><td class=\""
              + cls
              + "\">"
              + st.replace('_', ' ')
              + "</td><td>"
              + (cr.failed() + cr.errors())
              + "</td><td>"
              + cr.passed()
              + "</td><td>"
              + cr.waived()
              + "</td></tr>\n");
    }
    out.write("</tbody></table>\n<h2>Findings</h2>\n");
    boolean any = false;
    for (CheckResult cr : r.results()) {
      if (cr.findings().isEmpty()) {
        continue;
      }
      any = true;
      out.write(
          "<h3 id=\""
              + Xml.esc(cr.check().id())
              + "\">"
              + Xml.esc(cr.check().id())
              + " &mdash; "
              + Xml.esc(cr.check().message())
              + "</h3>\n");
      if (cr.check().remediation() != null) {
        out.write("<p><b>Fix:</b> " + Xml.esc(cr.check().remediation().strip()) + "</p>\n");
      }
      out.write(
          "<table><thead><tr><th>State</th><th>Object</th><th>Location</th><th>Message</th></tr></thead><tbody>\n");
      for (Finding f : cr.findings()) {
        String st = f.state().name().toLowerCase(Locale.ROOT);
        String msg =
            f.message() + (f.waiver() != null ? " (waived: " + f.waiver().reason() + ")" : "");
        out.write(
            "<tr><td class=\""
                + st
                + "\">"
                + st
                + "</td><td>"
                + Xml.esc(f.object().display())
                + "</td><td><code>"
                + Xml.esc(f.object().location().toString())
                + "</code></td><td>"
                + Xml.esc(msg)
                + "</td></tr>\n");
      }
      out.write("</tbody></table>\n");
    }
    if (!any) {
      out.write("<p class=\"passed\">No findings.</p>\n");
    }
    if (!r.notices().isEmpty()) {
      out.write("<h2>Notices</h2>\n<ul>\n");
      for (Notice n : r.notices()) {
        out.write("<li>" + Xml.esc(n.toString()) + "</li>\n");
      }
      out.write("</ul>\n");
    }
    out.write("</body></html>\n");
  }

  private static void card(Writer out, String label, String value) throws IOException {
    out.write("<div class=\"card\"><b>" + Xml.esc(value) + "</b>" + label + "</div>");
  }
}
