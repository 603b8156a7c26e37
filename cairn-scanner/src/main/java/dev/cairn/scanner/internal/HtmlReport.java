package dev.cairn.scanner.internal;

import dev.cairn.scanner.Check;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.Notice;
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
import java.util.stream.Collectors;

/**
 * A self-contained HTML report: inline style and script, no external resource, printable, and
 * readable without the script. Checks are sorted by severity, each with its description, its
 * remediation and its findings (object, container, field path); a second view lists the findings by
 * object. Filters (severity, framework, status, text) run in the page; the URL's fragment ({@code
 * #severity=high&framework=cis&status=failed&q=text}) sets them, so a filtered view can be shared.
 * Every text from the input is escaped ({@link Xml#esc}); the script holds no data, it reads the
 * {@code data-} attributes of the rows.
 */
public final class HtmlReport {
  private static final String CSS =
      """
      body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:76rem;padding:0 1rem;color:#1d2329}
      h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:1.8rem 0 .5rem}
      .meta{color:#5b6570;margin:0 0 1rem}.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
      .card{border:1px solid #d8dee4;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
      .card b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem}
      th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e6eaef;vertical-align:top}
      th{background:#f4f6f8;font-weight:600}.failed{color:#b42318;font-weight:600}.error{color:#b54708;font-weight:600}
      .passed{color:#067647}.na,.waived,.known{color:#7a8591}
      .sev{display:inline-block;min-width:4.6rem;font-weight:600}.sev-Critical{color:#8f1a10}.sev-High{color:#b42318}
      .sev-Medium{color:#b54708}.sev-Low{color:#5b6570}.sev-Info{color:#7a8591}
      code{font-size:12px;background:#f4f6f8;padding:0 .25rem;border-radius:3px;word-break:break-all}
      details{border:1px solid #e6eaef;border-radius:6px;margin:.35rem 0;padding:.3rem .7rem}
      summary{cursor:pointer;padding:.15rem 0}summary .id{font-family:ui-monospace,monospace;margin-right:.4rem}
      summary .counts{float:right;color:#5b6570}details p{margin:.4rem 0}
      .bar{display:inline-block;width:10rem;height:.6rem;background:#f1d3d0;border-radius:3px;vertical-align:middle;margin-right:.5rem}
      .bar i{display:block;height:100%;background:#2e9d5b;border-radius:3px}
      .filters{position:sticky;top:0;background:#fff;padding:.6rem 0;border-bottom:1px solid #d8dee4;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
      .filters label{color:#5b6570}.filters select,.filters input{margin-left:.3rem;font:inherit}
      .empty{color:#7a8591}nav a{margin-right:1rem}[hidden]{display:none!important}
      @media print{.filters{display:none}details{break-inside:avoid}}
      """;

  /**
   * The page's only script: it reads the filters and the {@code data-} attributes of the rows
   * (severity rank, frameworks, status, and for a finding in the object view its object's name) and
   * hides those that do not match. No data of the report is in it.
   */
  public static final String SCRIPT =
      """
      (function () {
        var ids = ['severity', 'framework', 'status', 'q'];
        function el(id) { return document.getElementById('f-' + id); }
        function value(id) { return el(id).value.trim().toLowerCase(); }
        function fromHash() {
          var h = decodeURIComponent(location.hash.replace(/^#/, ''));
          h.split('&').forEach(function (kv) {
            var i = kv.indexOf('=');
            if (i !== -1 && ids.indexOf(kv.slice(0, i)) !== -1) { el(kv.slice(0, i)).value = kv.slice(i + 1); }
          });
        }
        function matches(row, f) {
          if (f.severity !== '' && Number(row.dataset.sev) < Number(f.severity)) { return false; }
          if (f.framework !== '' && (' ' + row.dataset.fw + ' ').indexOf(' ' + f.framework + ' ') === -1) { return false; }
          if (f.status !== '' && row.dataset.status !== f.status) { return false; }
          if (f.q !== '' && ((row.dataset.text || '') + ' ' + row.textContent).toLowerCase().indexOf(f.q) === -1) { return false; }
          return true;
        }
        function apply() {
          var f = {};
          ids.forEach(function (id) { f[id] = value(id); });
          var shown = 0;
          document.querySelectorAll('[data-sev]').forEach(function (row) {
            var ok = matches(row, f);
            row.hidden = !ok;
            if (ok) { shown++; }
          });
          document.querySelectorAll('details.object').forEach(function (d) {
            d.hidden = d.querySelectorAll('tr[data-sev]:not([hidden])').length === 0;
          });
          document.getElementById('f-count').textContent = shown + ' rows shown';
          var parts = ids.filter(function (id) { return value(id) !== ''; })
            .map(function (id) { return id + '=' + encodeURIComponent(el(id).value.trim()); });
          history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname);
        }
        fromHash();
        ids.forEach(function (id) { el(id).addEventListener('input', apply); });
        document.getElementById('f-reset').addEventListener('click', function () {
          ids.forEach(function (id) { el(id).value = ''; });
          apply();
        });
        apply();
      })();
      """;

  private HtmlReport() {}

  /** Severity first (worst on top), then the checks that fail, then by id. */
  static final Comparator<CheckResult> ORDER =
      Comparator.comparing((CheckResult x) -> x.check().severity(), Comparator.reverseOrder())
          .thenComparing(x -> rank(x.status()))
          .thenComparing(x -> x.check().id());

  private static int rank(CheckResult.Status s) {
    return switch (s) {
      case ERROR -> 0;
      case FAILED -> 1;
      case KNOWN -> 2;
      case WAIVED -> 3;
      case PASSED -> 4;
      case NOT_APPLICABLE -> 5;
      case MANUAL -> 6;
    };
  }

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
            + " &middot; PSS "
            + Xml.esc(r.pssVersion().toString())
            + " &middot; check pack <code>"
            + Xml.esc(r.checkPackDigest().toString())
            + "</code></p>\n");
    List<ScanReport.Compliance> compliance = r.compliance();
    out.write("<div class=\"cards\">");
    for (ScanReport.Compliance c : compliance) {
      if (c.framework() == null) {
        card(out, "compliance score", c.percent());
      }
    }
    card(out, "objects", Long.toString(r.objects()));
    card(out, "checks", Integer.toString(s.checks()));
    card(out, "passed", Integer.toString(s.passed()));
    card(out, "failed", Integer.toString(s.failed()));
    card(out, "errors", Integer.toString(s.errors()));
    card(out, "findings", Long.toString(s.findings()));
    card(out, "waived", Long.toString(s.waived()));
    ScanReport.BaselineUse b = r.baseline();
    if (b != null) {
      card(out, "known in the baseline", Long.toString(b.findings()));
    }
    out.write("</div>\n");
    if (b != null) {
      out.write(
          "<p class=\"meta\">Findings that the baseline report <code>"
              + Xml.esc(b.source())
              + "</code> already had are not shown.</p>\n");
    }
    out.write(
        "<nav><a href=\"#compliance\">Compliance</a><a href=\"#checks\">Checks</a>"
            + "<a href=\"#objects\">Objects</a>"
            + (r.notices().isEmpty() ? "" : "<a href=\"#notices\">Notices</a>")
            + "</nav>\n");
    writeCompliance(out, compliance);
    writeFilters(out);
    List<CheckResult> checks = new ArrayList<>(r.results());
    checks.sort(ORDER);
    out.write("<h2 id=\"checks\">Checks</h2>\n");
    for (CheckResult cr : checks) {
      writeCheck(out, cr);
    }
    writeObjects(out, checks);
    if (!r.notices().isEmpty()) {
      out.write("<h2 id=\"notices\">Notices</h2>\n<ul>\n");
      for (Notice n : r.notices()) {
        out.write("<li>" + Xml.esc(n.toString()) + "</li>\n");
      }
      out.write("</ul>\n");
    }
    out.write("<script>" + SCRIPT + "</script>\n</body></html>\n");
  }

  private static void writeCompliance(Writer out, List<ScanReport.Compliance> compliance)
      throws IOException {
    out.write("<h2 id=\"compliance\">Compliance</h2>\n");
    if (compliance.isEmpty()) {
      out.write("<p class=\"empty\">No check judged any object.</p>\n");
      return;
    }
    out.write(
        "<table><thead><tr><th>Framework</th><th>Checks judged</th><th>Score</th></tr></thead>"
            + "<tbody>\n");
    for (ScanReport.Compliance c : compliance) {
      Framework f = c.framework();
      out.write(
          "<tr><td>"
              + (f == null
                  ? "<b>every check</b>"
                  : Xml.esc(f.title()) + " <code>" + f.id() + "</code>")
              + "</td><td>"
              + c.checks()
              + "</td><td><span class=\"bar\"><i style=\"width:"
              + String.format(Locale.ROOT, "%.1f", c.score() * 100)
              + "%\"></i></span>"
              + c.percent()
              + "</td></tr>\n");
    }
    out.write(
        "</tbody></table>\n<p class=\"meta\">A check's score is the share of the objects it judged"
            + " that pass (waived ones count as passing); a framework's score is the mean over its"
            + " checks that judged some object, as Kubescape computes it.</p>\n");
  }

  private static void writeFilters(Writer out) throws IOException {
    out.write("<div class=\"filters\"><label>Severity<select id=\"f-severity\">");
    out.write("<option value=\"\">any</option>");
    Severity[] all = Severity.values();
    for (int i = all.length - 1; i >= 0; i--) {
      out.write(
          "<option value=\""
              + all[i].ordinal()
              + "\">"
              + all[i].display()
              + (i == 0 ? "" : " and above")
              + "</option>");
    }
    out.write("</select></label><label>Framework<select id=\"f-framework\">");
    out.write("<option value=\"\">any</option>");
    for (Framework f : Framework.values()) {
      out.write("<option value=\"" + f.id() + "\">" + f.id() + "</option>");
    }
    out.write("</select></label><label>Status<select id=\"f-status\">");
    out.write("<option value=\"\">any</option>");
    for (String st :
        List.of("failed", "error", "waived", "known", "passed", "not_applicable", "manual")) {
      out.write("<option value=\"" + st + "\">" + st.replace('_', ' ') + "</option>");
    }
    out.write(
        "</select></label><label>Text<input id=\"f-q\" type=\"search\""
            + " placeholder=\"object, container, check\"></label>"
            + "<button id=\"f-reset\" type=\"button\">Clear</button>"
            + "<span id=\"f-count\" class=\"meta\"></span></div>\n");
  }

  private static String frameworks(Check c) {
    return c.frameworks().stream().map(Framework::id).collect(Collectors.joining(" "));
  }

  /** The attributes the script filters on. */
  private static String data(Check c, String status) {
    return " data-sev=\""
        + c.severity().ordinal()
        + "\" data-fw=\""
        + Xml.esc(frameworks(c))
        + "\" data-status=\""
        + Xml.esc(status)
        + "\"";
  }

  private static void writeCheck(Writer out, CheckResult cr) throws IOException {
    Check c = cr.check();
    String st = cr.status().name().toLowerCase(Locale.ROOT);
    String cls =
        cr.status() == CheckResult.Status.NOT_APPLICABLE || cr.status() == CheckResult.Status.MANUAL
            ? "na"
            : st;
    out.write(
        "<details class=\"check\" id=\""
            + Xml.esc(c.id())
            + "\""
            + data(c, st)
            + "><summary>"
            + sev(c.severity())
            + "<span class=\"id\">"
            + Xml.esc(c.id())
            + "</span>"
            + Xml.esc(c.message())
            + " <span class=\""
            + cls
            + "\">"
            + st.replace('_', ' ')
            + "</span><span class=\"counts\">"
            + (cr.failed() + cr.errors())
            + " failed &middot; "
            + cr.passed()
            + " passed &middot; "
            + cr.waived()
            + " waived"
            + (cr.known() > 0 ? " &middot; " + cr.known() + " known" : "")
            + score(cr)
            + "</span></summary>\n");
    if (c.description() != null) {
      out.write("<p>" + Xml.esc(c.description().strip()) + "</p>\n");
    }
    if (c.manual() != null) {
      out.write("<p><b>Manual:</b> " + Xml.esc(c.manual().strip()) + "</p>\n");
    }
    if (c.remediation() != null) {
      out.write("<p><b>Fix:</b> " + Xml.esc(c.remediation().strip()) + "</p>\n");
    }
    out.write(
        "<p class=\"meta\">Frameworks: "
            + Xml.esc(frameworks(c).isEmpty() ? "none" : frameworks(c).replace(" ", ", "))
            + " &middot; "
            + Xml.esc(c.origin())
            + "</p>\n");
    if (!cr.findings().isEmpty()) {
      out.write(
          "<table><thead><tr><th>State</th><th>Object</th><th>Container</th><th>Field</th>"
              + "<th>Location</th><th>Message</th></tr></thead><tbody>\n");
      for (Finding f : cr.findings()) {
        String fs = f.state().name().toLowerCase(Locale.ROOT);
        out.write(
            "<tr><td class=\""
                + fs
                + "\">"
                + fs
                + "</td><td>"
                + Xml.esc(f.object().display())
                + "</td>"
                + containerAndPath(f)
                + "<td><code>"
                + Xml.esc(f.object().location().toString())
                + "</code></td><td>"
                + Xml.esc(message(f))
                + "</td></tr>\n");
      }
      out.write("</tbody></table>\n");
    }
    out.write("</details>\n");
  }

  private static String score(CheckResult cr) {
    java.util.OptionalDouble s = cr.complianceScore();
    return s.isEmpty()
        ? ""
        : String.format(Locale.ROOT, " &middot; score %.1f%%", s.getAsDouble() * 100);
  }

  private record Row(CheckResult result, Finding finding) {}

  /** Findings by object, the worst first within each. */
  private static void writeObjects(Writer out, List<CheckResult> checks) throws IOException {
    Map<ObjectRef, List<Row>> byObject = new LinkedHashMap<>();
    for (CheckResult cr : checks) {
      for (Finding f : cr.findings()) {
        byObject.computeIfAbsent(f.object(), k -> new ArrayList<>()).add(new Row(cr, f));
      }
    }
    out.write("<h2 id=\"objects\">Objects</h2>\n");
    if (byObject.isEmpty()) {
      out.write("<p class=\"passed\">No findings.</p>\n");
      return;
    }
    List<ObjectRef> objects = new ArrayList<>(byObject.keySet());
    objects.sort(
        Comparator.comparing((ObjectRef o) -> o.location().file())
            .thenComparingInt(o -> o.location().line())
            .thenComparing(ObjectRef::display));
    for (ObjectRef o : objects) {
      List<Row> rows = java.util.Objects.requireNonNull(byObject.get(o));
      long failing = rows.stream().filter(x -> x.finding().state() != Finding.State.WAIVED).count();
      out.write(
          "<details class=\"object\" open><summary><b>"
              + Xml.esc(o.display())
              + "</b> <code>"
              + Xml.esc(o.location().toString())
              + "</code><span class=\"counts\">"
              + failing
              + " failing &middot; "
              + (rows.size() - failing)
              + " waived</span></summary>\n"
              + "<table><thead><tr><th>Severity</th><th>Check</th><th>State</th><th>Container</th>"
              + "<th>Field</th><th>Message</th></tr></thead><tbody>\n");
      for (Row row : rows) {
        Check c = row.result().check();
        Finding f = row.finding();
        String fs = f.state().name().toLowerCase(Locale.ROOT);
        out.write(
            "<tr"
                + data(c, fs)
                + " data-text=\""
                + Xml.esc(o.display())
                + "\"><td>"
                + sev(c.severity())
                + "</td><td><a href=\"#"
                + Xml.esc(c.id())
                + "\">"
                + Xml.esc(c.id())
                + "</a> "
                + Xml.esc(c.message())
                + "</td><td class=\""
                + fs
                + "\">"
                + fs
                + "</td>"
                + containerAndPath(f)
                + "<td>"
                + Xml.esc(message(f))
                + "</td></tr>\n");
      }
      out.write("</tbody></table></details>\n");
    }
  }

  private static String containerAndPath(Finding f) {
    return "<td>"
        + (f.container() == null ? "" : Xml.esc(f.container()))
        + "</td><td>"
        + (f.path() == null ? "" : "<code>" + Xml.esc(f.path()) + "</code>")
        + "</td>";
  }

  private static String message(Finding f) {
    return f.message() + (f.waiver() != null ? " (waived: " + f.waiver().reason() + ")" : "");
  }

  private static String sev(Severity s) {
    return "<span class=\"sev sev-" + s.display() + "\">" + s.display() + "</span>";
  }

  private static void card(Writer out, String label, String value) throws IOException {
    out.write("<div class=\"card\"><b>" + Xml.esc(value) + "</b>" + label + "</div>");
  }
}
