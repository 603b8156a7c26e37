package dev.cairn.scanner.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.Check;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectRef;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Waiver;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON report, schema {@code cairn.dev/scan-report/v1} (docs/report-schema.json). Field names
 * and meanings are stable; new fields may be added.
 */
public final class JsonReport {
  public static final String SCHEMA = "cairn.dev/scan-report/v1";

  private JsonReport() {}

  public static void write(ScanReport r, Writer out) throws IOException {
    try (JsonGenerator g = Jackson.MAPPER.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("schema", SCHEMA);
      g.writeStringField("tool", r.tool());
      g.writeStringField("source", r.source());
      g.writeStringField("startedAt", r.startedAt().toString());
      g.writeNumberField("durationMillis", r.duration().toMillis());
      g.writeArrayFieldStart("frameworks");
      for (Framework f : Framework.values()) {
        if (r.frameworks().contains(f)) {
          g.writeString(f.id());
        }
      }
      g.writeEndArray();
      g.writeObjectFieldStart("checkPack");
      g.writeStringField("digest", r.checkPackDigest().toString());
      g.writeNumberField("checks", r.results().size());
      g.writeStringField("pssVersion", r.pssVersion().toString());
      g.writeEndObject();
      g.writeNumberField("objects", r.objects());
      ScanReport.Summary s = r.summary();
      g.writeObjectFieldStart("summary");
      g.writeNumberField("checks", s.checks());
      g.writeNumberField("passed", s.passed());
      g.writeNumberField("failed", s.failed());
      g.writeNumberField("errors", s.errors());
      g.writeNumberField("notApplicable", s.notApplicable());
      g.writeNumberField("findings", s.findings());
      g.writeNumberField("waived", s.waived());
      g.writeNumberField("known", s.known());
      g.writeNumberField("knownFindings", s.knownFindings());
      if (s.manual() > 0) {
        g.writeNumberField("manual", s.manual());
      }
      g.writeEndObject();
      writeCompliance(g, r);
      ScanReport.BaselineUse b = r.baseline();
      if (b != null) {
        g.writeObjectFieldStart("baseline");
        g.writeStringField("file", b.source());
        g.writeNumberField("knownFindings", b.findings());
        g.writeEndObject();
      }
      g.writeArrayFieldStart("checks");
      for (CheckResult cr : r.results()) {
        Check c = cr.check();
        g.writeStartObject();
        g.writeStringField("id", c.id());
        if (c.slug() != null) {
          g.writeStringField("slug", c.slug());
        }
        g.writeStringField("title", c.message());
        if (c.description() != null) {
          g.writeStringField("description", c.description().strip());
        }
        if (c.remediation() != null) {
          g.writeStringField("remediation", c.remediation().strip());
        }
        g.writeStringField("severity", c.severity().display());
        g.writeArrayFieldStart("frameworks");
        for (Framework f : c.frameworks()) {
          g.writeString(f.id());
        }
        g.writeEndArray();
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> e : c.labels().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeStringField("origin", c.origin());
        g.writeStringField("status", cr.status().name().toLowerCase(Locale.ROOT));
        if (c.manual() != null) {
          g.writeStringField("manual", c.manual().strip());
        }
        g.writeObjectFieldStart("counts");
        g.writeNumberField("passed", cr.passed());
        g.writeNumberField("failed", cr.failed());
        g.writeNumberField("errors", cr.errors());
        g.writeNumberField("waived", cr.waived());
        g.writeNumberField("known", cr.known());
        g.writeEndObject();
        java.util.OptionalDouble score = cr.complianceScore();
        if (score.isPresent()) {
          g.writeNumberField("complianceScore", percent(score.getAsDouble()));
        }
        g.writeArrayFieldStart("findings");
        for (Finding f : cr.findings()) {
          g.writeStartObject();
          g.writeStringField("state", f.state().name().toLowerCase(Locale.ROOT));
          g.writeStringField("message", f.message());
          writeObject(g, f.object());
          if (f.container() != null) {
            g.writeStringField("container", f.container());
          }
          if (f.path() != null) {
            g.writeStringField("path", f.path());
          }
          Waiver w = f.waiver();
          if (w != null) {
            g.writeObjectFieldStart("waiver");
            g.writeStringField("reason", w.reason());
            if (w.expires() != null) {
              g.writeStringField("expires", w.expires().toString());
            }
            g.writeStringField("origin", w.origin().toString());
            g.writeEndObject();
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("notices");
      for (Notice n : r.notices()) {
        g.writeStartObject();
        g.writeStringField("level", n.level().name().toLowerCase(Locale.ROOT));
        if (n.location() != null) {
          writeLocation(g, n.location());
        }
        g.writeStringField("message", n.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  /** Kubescape's way: per check passed/judged objects; per framework the mean over its checks. */
  private static void writeCompliance(JsonGenerator g, ScanReport r) throws IOException {
    g.writeObjectFieldStart("compliance");
    g.writeArrayFieldStart("frameworks");
    @Nullable Double overall = null;
    for (ScanReport.Compliance c : r.compliance()) {
      Framework f = c.framework();
      if (f == null) {
        overall = c.score();
        continue;
      }
      g.writeStartObject();
      g.writeStringField("framework", f.id());
      g.writeNumberField("checks", c.checks());
      g.writeNumberField("score", percent(c.score()));
      g.writeEndObject();
    }
    g.writeEndArray();
    if (overall != null) {
      g.writeNumberField("score", percent(overall));
    }
    g.writeEndObject();
  }

  /** A score as a percentage with two decimals, as Kubescape writes its compliance scores. */
  private static java.math.BigDecimal percent(double score) {
    return java.math.BigDecimal.valueOf(score * 100).setScale(2, java.math.RoundingMode.HALF_UP);
  }

  private static void writeObject(JsonGenerator g, ObjectRef o) throws IOException {
    g.writeObjectFieldStart("object");
    g.writeStringField("apiVersion", o.apiVersion());
    g.writeStringField("kind", o.kind());
    if (o.namespace() != null) {
      g.writeStringField("namespace", o.namespace());
    }
    g.writeStringField("name", o.name());
    writeLocation(g, o.location());
    g.writeEndObject();
  }

  private static void writeLocation(JsonGenerator g, SourceLocation l) throws IOException {
    g.writeObjectFieldStart("location");
    g.writeStringField("file", l.file());
    if (l.line() > 0) {
      g.writeNumberField("line", l.line());
    }
    if (l.column() > 0) {
      g.writeNumberField("column", l.column());
    }
    g.writeEndObject();
  }
}
