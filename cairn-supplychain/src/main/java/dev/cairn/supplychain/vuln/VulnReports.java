package dev.cairn.supplychain.vuln;

import dev.cairn.core.Json;
import dev.cairn.core.Text;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The gate's result for people (a table), for programs (JSON) and for code hosts (SARIF 2.1.0). */
public final class VulnReports {
  private VulnReports() {}

  /** Output formats. */
  public enum Format {
    TABLE,
    JSON,
    SARIF;

    /** By name ({@code table}, {@code json}, {@code sarif}). */
    public static Optional<Format> of(String name) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(name.strip())) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  public static void write(VulnGateResult r, Format format, Writer out) throws IOException {
    switch (format) {
      case TABLE -> table(r, out);
      case JSON -> out.write(Json.pretty(VulnGate.predicateValue(r)));
      case SARIF -> out.write(Json.pretty(sarif(r)));
    }
    out.flush();
  }

  private static void table(VulnGateResult r, Writer out) throws IOException {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SEVERITY", "ID", "PACKAGE", "VERSION", "FIXED IN", "STATE"});
    for (VulnFinding f : r.findings()) {
      rows.add(
          new String[] {
            f.severity().id()
                + (f.score() == null ? "" : String.format(Locale.ROOT, " %.1f", f.score())),
            f.id(),
            f.packageName(),
            f.version(),
            f.fixed().isEmpty() ? "-" : String.join(", ", f.fixed()),
            f.waived() ? "waived" : f.expiredWaiver() != null ? "open (waiver expired)" : "open"
          });
    }
    int[] w = new int[6];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    if (!r.findings().isEmpty()) {
      for (String[] row : rows) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          b.append(Text.escape(row[i]));
          if (i < row.length - 1) {
            b.append(" ".repeat(w[i] - row[i].length() + 2));
          }
        }
        out.write(b.toString().stripTrailing() + "\n");
      }
      out.write("\n");
    }
    List<String> parts = new ArrayList<>();
    for (Severity s :
        List.of(
            Severity.CRITICAL,
            Severity.HIGH,
            Severity.MEDIUM,
            Severity.LOW,
            Severity.NONE,
            Severity.UNKNOWN)) {
      int n = r.counts().getOrDefault(s, 0);
      if (n > 0) {
        parts.add(n + " " + s.id());
      }
    }
    int waived = (int) r.findings().stream().filter(VulnFinding::waived).count();
    if (waived > 0) {
      parts.add(waived + " waived");
    }
    out.write(
        Text.count(r.findings().size(), "finding")
            + " in "
            + Text.count(r.components(), "component")
            + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")")
            + "; gate at "
            + r.threshold().id()
            + ": "
            + (r.passed()
                ? "passed"
                : "FAILED ("
                    + Text.count(r.failing().size(), "finding")
                    + " at or above "
                    + r.threshold().id()
                    + ")")
            + "\n");
    out.write(
        "database "
            + r.dbDigest()
            + (r.dbDate() == null
                ? ", no dated entries"
                : ", data of " + r.dbDate() + " (" + age(r.dbDate(), r.scannedAt()) + " old)")
            + "\n");
  }

  /** An age in days or hours, e.g. {@code 3 days}. */
  public static String age(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    if (d.isNegative()) {
      return "0 hours";
    }
    return d.toDays() >= 1
        ? Text.count((int) d.toDays(), "day")
        : Text.count((int) d.toHours(), "hour");
  }

  private static Map<String, Object> sarif(VulnGateResult r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    doc.put("version", "2.1.0");
    List<Object> rules = new ArrayList<>();
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    for (VulnFinding f : r.findings()) {
      if (ruleIndex.containsKey(f.id())) {
        continue;
      }
      ruleIndex.put(f.id(), rules.size());
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("id", f.id());
      rule.put("shortDescription", text(f.summary().isEmpty() ? f.id() : f.summary()));
      rule.put(
          "fullDescription",
          text(
              (f.summary().isEmpty() ? f.id() : f.summary())
                  + (f.aliases().isEmpty()
                      ? ""
                      : " (also " + String.join(", ", f.aliases()) + ")")));
      rule.put("helpUri", "https://osv.dev/vulnerability/" + f.id());
      rule.put("defaultConfiguration", Map.of("level", level(f.severity())));
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("tags", List.of("security", "vulnerability"));
      props.put("security-severity", securitySeverity(f));
      if (!f.aliases().isEmpty()) {
        props.put("aliases", f.aliases());
      }
      rule.put("properties", props);
      rules.add(rule);
    }
    List<Object> results = new ArrayList<>();
    for (VulnFinding f : r.findings()) {
      Map<String, Object> res = new LinkedHashMap<>();
      res.put("ruleId", f.id());
      res.put("ruleIndex", (long) ruleIndex.getOrDefault(f.id(), 0));
      res.put("level", level(f.severity()));
      res.put("kind", "fail");
      res.put(
          "message",
          text(
              f.packageName()
                  + " "
                  + f.version()
                  + " is affected by "
                  + f.id()
                  + " ("
                  + f.severity().id()
                  + (f.fixed().isEmpty()
                      ? ", no fix known"
                      : ", fixed in " + String.join(", ", f.fixed()))
                  + ")"));
      Map<String, Object> physical = new LinkedHashMap<>();
      physical.put("artifactLocation", Map.of("uri", uri(r.sbom())));
      Map<String, Object> logical = new LinkedHashMap<>();
      logical.put("name", f.component());
      logical.put("fullyQualifiedName", f.purl());
      logical.put("kind", "module");
      Map<String, Object> loc = new LinkedHashMap<>();
      loc.put("physicalLocation", physical);
      loc.put("logicalLocations", List.of(logical));
      res.put("locations", List.of(loc));
      res.put("partialFingerprints", Map.of("cairnVuln/v1", f.id() + ":" + f.purl()));
      if (f.waiver() != null) {
        Map<String, Object> sup = new LinkedHashMap<>();
        sup.put("kind", "external");
        sup.put("status", "accepted");
        sup.put("justification", f.waiver().reason());
        res.put("suppressions", List.of(sup));
      }
      results.add(res);
    }
    List<Object> notes = new ArrayList<>();
    for (String n : r.notices()) {
      notes.add(Map.of("message", text(n), "level", "note"));
    }
    if (r.dbStale()) {
      notes.add(
          Map.of(
              "message",
              text("the vulnerability data is older than the gate's maximum age"),
              "level",
              "warning"));
    }
    Map<String, Object> invocation = new LinkedHashMap<>();
    invocation.put("executionSuccessful", true);
    invocation.put("toolExecutionNotifications", notes);
    Map<String, Object> driver = new LinkedHashMap<>();
    driver.put("name", "cairn");
    driver.put("informationUri", "https://github.com/cairn-dev/cairn");
    driver.put("rules", rules);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("tool", Map.of("driver", driver));
    run.put("results", results);
    run.put("invocations", List.of(invocation));
    doc.put("runs", List.of(run));
    return doc;
  }

  private static Map<String, Object> text(String t) {
    return Map.of("text", t);
  }

  private static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, NONE, UNKNOWN -> "note";
    };
  }

  private static String securitySeverity(VulnFinding f) {
    if (f.score() != null) {
      return String.format(Locale.ROOT, "%.1f", f.score());
    }
    return switch (f.severity()) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case NONE, UNKNOWN -> "0.0";
    };
  }

  static String uri(String file) {
    String p = file.replace('\\', '/');
    if (p.startsWith("./")) {
      p = p.substring(2);
    }
    try {
      return new URI(null, null, p, null).toASCIIString();
    } catch (URISyntaxException e) {
      return p.replace(" ", "%20");
    }
  }
}
