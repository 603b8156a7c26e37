package dev.cairn.scanner.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.scanner.Check;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectRef;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Severity;
import dev.cairn.scanner.Version;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** SARIF 2.1.0: one rule per check, one result per failing, erroring or waived object. */
public final class SarifReport {
  private SarifReport() {}

  public static void write(ScanReport r, Writer out) throws IOException {
    try (JsonGenerator g = Jackson.MAPPER.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
      g.writeStringField("version", "2.1.0");
      g.writeArrayFieldStart("runs");
      g.writeStartObject();
      g.writeObjectFieldStart("tool");
      g.writeObjectFieldStart("driver");
      g.writeStringField("name", "cairn");
      g.writeStringField("semanticVersion", Version.VERSION.replace("-SNAPSHOT", ""));
      g.writeStringField("informationUri", "https://github.com/cairn-dev/cairn");
      g.writeArrayFieldStart("rules");
      for (CheckResult cr : r.results()) {
        Check c = cr.check();
        g.writeStartObject();
        g.writeStringField("id", c.id());
        if (c.slug() != null) {
          g.writeStringField("name", pascal(c.slug()));
        }
        text(g, "shortDescription", c.message());
        text(g, "fullDescription", c.description() == null ? c.message() : c.description().strip());
        if (c.remediation() != null) {
          text(g, "help", c.remediation().strip());
        }
        g.writeObjectFieldStart("defaultConfiguration");
        g.writeStringField("level", level(c.severity()));
        g.writeEndObject();
        g.writeObjectFieldStart("properties");
        g.writeArrayFieldStart("tags");
        g.writeString("security");
        g.writeString("kubernetes");
        for (Framework f : c.frameworks()) {
          g.writeString(f.id());
        }
        g.writeEndArray();
        g.writeStringField("security-severity", securitySeverity(c.severity()));
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      g.writeArrayFieldStart("results");
      int ruleIndex = 0;
      for (CheckResult cr : r.results()) {
        for (Finding f : cr.findings()) {
          result(g, cr.check(), ruleIndex, f);
        }
        ruleIndex++;
      }
      g.writeEndArray();
      g.writeArrayFieldStart("invocations");
      g.writeStartObject();
      g.writeBooleanField("executionSuccessful", !r.hasInputErrors());
      g.writeArrayFieldStart("toolExecutionNotifications");
      for (Notice n : r.notices()) {
        g.writeStartObject();
        text(g, "message", n.message());
        g.writeStringField(
            "level",
            switch (n.level()) {
              case ERROR -> "error";
              case WARNING -> "warning";
              case INFO -> "note";
            });
        if (n.location() != null && n.location().line() > 0) {
          g.writeArrayFieldStart("locations");
          g.writeStartObject();
          physical(g, n.location().file(), n.location().line(), n.location().column());
          g.writeEndObject();
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  private static void result(JsonGenerator g, Check c, int ruleIndex, Finding f)
      throws IOException {
    ObjectRef o = f.object();
    g.writeStartObject();
    g.writeStringField("ruleId", c.id());
    g.writeNumberField("ruleIndex", ruleIndex);
    g.writeStringField("level", f.state() == Finding.State.ERROR ? "error" : level(c.severity()));
    g.writeStringField("kind", "fail");
    text(
        g,
        "message",
        f.where() + ": " + f.message() + (f.path() == null ? "" : " (at " + f.path() + ")"));
    g.writeArrayFieldStart("locations");
    g.writeStartObject();
    physical(g, o.location().file(), o.location().line(), o.location().column());
    g.writeArrayFieldStart("logicalLocations");
    g.writeStartObject();
    String resource =
        o.apiVersion()
            + "/"
            + o.kind()
            + "/"
            + (o.namespace() == null ? "" : o.namespace() + "/")
            + o.name();
    g.writeStringField("name", o.name());
    g.writeStringField("fullyQualifiedName", resource);
    g.writeStringField("kind", "resource");
    g.writeEndObject();
    if (f.path() != null || f.container() != null) {
      // the field inside the resource: the container it lies in and its path
      g.writeStartObject();
      g.writeStringField("name", f.container() != null ? f.container() : f.path());
      g.writeStringField(
          "fullyQualifiedName", resource + "#" + (f.path() != null ? f.path() : f.container()));
      g.writeStringField("kind", "member");
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
    g.writeObjectFieldStart("partialFingerprints");
    g.writeStringField(
        "cairnObject/v1",
        c.id()
            + ":"
            + o.kind()
            + ":"
            + (o.namespace() == null ? "" : o.namespace())
            + ":"
            + o.name());
    g.writeStringField(
        "cairnFinding/v1",
        c.id()
            + ":"
            + o.kind()
            + ":"
            + (o.namespace() == null ? "" : o.namespace())
            + ":"
            + o.name()
            + ":"
            + (f.container() == null ? "" : f.container())
            + ":"
            + (f.path() == null ? "" : f.path()));
    g.writeEndObject();
    if (f.state() == Finding.State.WAIVED && f.waiver() != null) {
      g.writeArrayFieldStart("suppressions");
      g.writeStartObject();
      g.writeStringField("kind", f.waiver().origin().line() > 0 ? "external" : "inSource");
      g.writeStringField("status", "accepted");
      g.writeStringField("justification", f.waiver().reason());
      g.writeEndObject();
      g.writeEndArray();
    }
    if (f.state() == Finding.State.ERROR) {
      g.writeObjectFieldStart("properties");
      g.writeStringField("cairnState", f.state().name().toLowerCase(Locale.ROOT));
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void physical(JsonGenerator g, String file, int line, int column)
      throws IOException {
    g.writeObjectFieldStart("physicalLocation");
    g.writeObjectFieldStart("artifactLocation");
    g.writeStringField("uri", uri(file));
    g.writeEndObject();
    if (line > 0) {
      g.writeObjectFieldStart("region");
      g.writeNumberField("startLine", line);
      if (column > 0) {
        g.writeNumberField("startColumn", column);
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  static String uri(String file) {
    if (file.startsWith("https://") || file.startsWith("http://")) {
      return file;
    }
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

  private static void text(JsonGenerator g, String field, String text) throws IOException {
    g.writeObjectFieldStart(field);
    g.writeStringField("text", text);
    g.writeEndObject();
  }

  static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  private static String securitySeverity(Severity s) {
    return switch (s) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> "0.0";
    };
  }

  private static String pascal(String slug) {
    StringBuilder sb = new StringBuilder();
    for (String part : slug.split("[-_]")) {
      if (!part.isEmpty()) {
        sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return sb.toString();
  }
}
