package dev.cairn.scanner.internal;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.SourceLocation;
import dev.cairn.core.Yaml;
import dev.cairn.core.YamlNode;
import dev.cairn.scanner.Check;
import dev.cairn.scanner.ResourceRule;
import dev.cairn.scanner.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads check files in Marvin's format (plus Cairn's optional {@code description} and {@code
 * remediation}) and reports every problem with file:line:col, CEL compile errors included.
 */
public final class CheckLoader {
  /** A validation's {@code path}: dotted names with optional indexes. */
  private static final java.util.regex.Pattern FIELD_PATH =
      java.util.regex.Pattern.compile(
          "[A-Za-z_][A-Za-z0-9_-]*(\\[\\d+\\])?(\\.[A-Za-z_][A-Za-z0-9_-]*(\\[\\d+\\])?)*");

  private static final Set<String> KNOWN_FIELDS =
      Set.of(
          "id",
          "slug",
          "severity",
          "message",
          "description",
          "remediation",
          "match",
          "params",
          "variables",
          "validations",
          "labels",
          "collections",
          "manual");

  /** Checks and diagnostics of one file. */
  public record Loaded(List<Check> checks, List<Diagnostic> diagnostics) {}

  private CheckLoader() {}

  /** Parses (and compiles, to find CEL errors) every check in {@code text}. */
  public static Loaded load(String file, String text, String origin) {
    return load(file, text, origin, true);
  }

  /**
   * As {@link #load(String, String, String)}; {@code compile = false} skips the CEL compile that
   * only serves diagnostics (for the built-in packs, which their own tests compile), so start-up
   * does not compile every expression twice.
   */
  public static Loaded load(String file, String text, String origin, boolean compile) {
    List<Check> checks = new ArrayList<>();
    List<Diagnostic> diags = new ArrayList<>();
    List<String> lines = text.lines().toList();
    int docStart = 0;
    StringBuilder doc = new StringBuilder();
    for (int i = 0; i <= lines.size(); i++) {
      boolean end = i == lines.size();
      String line = end ? "" : lines.get(i);
      if (end || line.equals("---") || line.startsWith("--- ")) {
        if (!doc.toString().isBlank()) {
          loadDocument(file, doc.toString(), docStart, lines, origin, checks, diags, compile);
        }
        doc.setLength(0);
        docStart = i + 1;
      } else {
        doc.append(line).append('\n');
      }
    }
    return new Loaded(checks, diags);
  }

  private static void loadDocument(
      String file,
      String text,
      int firstLine,
      List<String> fileLines,
      String origin,
      List<Check> out,
      List<Diagnostic> diags,
      boolean compile) {
    Yaml.Document d;
    try {
      d = Yaml.parseDocument(file, text, firstLine);
    } catch (Yaml.YamlSyntaxException e) {
      diags.addAll(e.diagnostics());
      return;
    }
    YamlNode root = d.node();
    if (!(root instanceof YamlNode.Mapping rootMap)) {
      diags.add(
          diag(
              file,
              fileLines,
              root,
              firstLine,
              "a check must be a mapping with id, severity, match and validations"));
      return;
    }
    Ctx c = new Ctx(file, fileLines, firstLine, diags);
    int before = diags.size();
    for (YamlNode.Entry t : rootMap.entries()) {
      if (t.key() instanceof YamlNode.Scalar k && !KNOWN_FIELDS.contains(k.text())) {
        // Marvin ignores unknown fields; so do we, but say so: a typo would otherwise pass silently
        c.error(
            k,
            "unknown field '"
                + k.text()
                + "' (known: id, severity, message, match, params, variables, validations, labels, description, remediation, slug, collections, manual)");
      }
    }
    String id = c.string(root, "id", true);
    String severityText = c.string(root, "severity", true);
    Severity severity = Severity.MEDIUM;
    if (severityText != null) {
      var parsed = Severity.parse(severityText);
      if (parsed.isEmpty()) {
        c.error(
            Yaml.find(root, "severity"),
            "unknown severity '" + severityText + "' (use Info, Low, Medium, High or Critical)");
      } else {
        severity = parsed.get();
      }
    }
    String message = c.string(root, "message", false);
    String manual = c.string(root, "manual", false);
    if (manual != null && manual.isBlank()) {
      c.error(Yaml.find(root, "manual"), "manual must say why the API cannot decide the control");
    }
    boolean isManual = manual != null;
    List<String> collections = new ArrayList<>();
    YamlNode collNode = Yaml.find(root, "collections");
    if (collNode instanceof YamlNode.Sequence cs) {
      for (YamlNode cn : cs.items()) {
        if (cn instanceof YamlNode.Scalar sc
            && dev.cairn.scanner.ClusterCollections.isKnown(sc.text())) {
          if (!collections.contains(sc.text())) {
            collections.add(sc.text());
          }
        } else {
          c.error(
              cn,
              "unknown collection '"
                  + (cn instanceof YamlNode.Scalar sc ? sc.text() : "?")
                  + "' (known: "
                  + String.join(", ", dev.cairn.scanner.ClusterCollections.names())
                  + ")");
        }
      }
    } else if (collNode != null && !(collNode instanceof YamlNode.Scalar s && s.text().isEmpty())) {
      c.error(collNode, "collections must be a list of collection names, e.g. [namespaces]");
    }
    List<ResourceRule> match = new ArrayList<>();
    YamlNode resources = Yaml.find(root, "match", "resources");
    if (isManual && resources == null) {
      // a manual control judges no object
    } else if (!(resources instanceof YamlNode.Sequence rs) || rs.items().isEmpty()) {
      c.error(
          resources == null
              ? Yaml.find(root, "match") == null ? root : Yaml.find(root, "match")
              : resources,
          "match.resources must list at least one {group, version, resource}");
    } else {
      for (YamlNode r : rs.items()) {
        String group = c.string(r, "group", false);
        String version = c.string(r, "version", true);
        String resource = c.string(r, "resource", true);
        if (version != null && resource != null) {
          if (!resource.equals(resource.toLowerCase(java.util.Locale.ROOT))) {
            c.error(
                Yaml.find(r, "resource"),
                "resource must be the lower-case plural name (e.g. 'deployments'), not '"
                    + resource
                    + "'");
          } else {
            match.add(new ResourceRule(group == null ? "" : group, version, resource));
          }
        }
      }
    }
    Map<String, Object> params = new LinkedHashMap<>();
    YamlNode paramsNode = Yaml.find(root, "params");
    if (paramsNode != null) {
      if (paramsNode.toValue() instanceof Map<?, ?> m) {
        m.forEach((k, v) -> params.put(String.valueOf(k), v));
      } else if (!(paramsNode instanceof YamlNode.Scalar s && s.text().isEmpty())) {
        c.error(paramsNode, "params must be a mapping");
      }
    }
    List<Check.Variable> variables = new ArrayList<>();
    YamlNode varsNode = Yaml.find(root, "variables");
    if (varsNode instanceof YamlNode.Sequence vs) {
      for (YamlNode v : vs.items()) {
        String name = c.string(v, "name", true);
        String expr = c.string(v, "expression", true);
        if (name != null && expr != null) {
          if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            c.error(Yaml.find(v, "name"), "variable name '" + name + "' is not a CEL identifier");
          }
          variables.add(new Check.Variable(name, expr, c.loc(Yaml.find(v, "expression"))));
        }
      }
    } else if (varsNode != null && !(varsNode instanceof YamlNode.Scalar s && s.text().isEmpty())) {
      c.error(varsNode, "variables must be a list of {name, expression}");
    }
    List<Check.Validation> validations = new ArrayList<>();
    YamlNode valsNode = Yaml.find(root, "validations");
    if (valsNode instanceof YamlNode.Sequence vs && !vs.items().isEmpty()) {
      for (YamlNode v : vs.items()) {
        String expr = c.string(v, "expression", true);
        String msg = c.string(v, "message", false);
        String path = c.string(v, "path", false);
        if (path != null && !FIELD_PATH.matcher(path).matches()) {
          c.error(
              Yaml.find(v, "path"),
              "path must be a field path such as resources.limits or volumes[0].hostPath");
          path = null;
        }
        if (expr != null) {
          validations.add(new Check.Validation(expr, msg, c.loc(Yaml.find(v, "expression")), path));
        }
      }
    } else if (isManual) {
      if (valsNode != null) {
        c.error(valsNode, "a manual check has no validations: the API cannot decide it");
      }
    } else {
      c.error(valsNode == null ? root : valsNode, "a check must have at least 1 validation");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    YamlNode labelsNode = Yaml.find(root, "labels");
    if (labelsNode instanceof YamlNode.Mapping lm) {
      for (YamlNode.Entry t : lm.entries()) {
        if (t.key() instanceof YamlNode.Scalar k && t.value() instanceof YamlNode.Scalar v) {
          if (k.text().equals(Check.LABEL_PSS_SINCE)
              && dev.cairn.scanner.PssVersion.parse(v.text()).isEmpty()) {
            c.error(
                v,
                "label "
                    + Check.LABEL_PSS_SINCE
                    + " must be a PSS version v1.0 to "
                    + dev.cairn.scanner.PssVersion.LATEST
                    + ", not '"
                    + v.text()
                    + "'");
            continue;
          }
          labels.put(k.text(), v.text());
        } else {
          c.error(t.key(), "labels must map strings to strings");
        }
      }
    } else if (labelsNode != null
        && !(labelsNode instanceof YamlNode.Scalar s && s.text().isEmpty())) {
      c.error(labelsNode, "labels must be a mapping of strings");
    }
    if (diags.size() > before || id == null) {
      return;
    }
    Check check =
        new Check(
            id,
            c.string(root, "slug", false),
            severity,
            message == null ? id : message,
            c.string(root, "description", false),
            c.string(root, "remediation", false),
            match,
            params,
            variables,
            validations,
            labels,
            origin,
            new SourceLocation(file, d.line(), d.column()),
            collections,
            manual == null ? null : manual.strip());
    // compile every expression now, to report CEL errors at their place in the file
    for (int i = 0; compile && i < variables.size(); i++) {
      compileErrors(
          check, Yaml.find(varsNode, i, "expression"), variables.get(i).expression(), false, c);
    }
    for (int i = 0; compile && i < validations.size(); i++) {
      compileErrors(
          check, Yaml.find(valsNode, i, "expression"), validations.get(i).expression(), true, c);
    }
    if (diags.size() == before) {
      out.add(check);
    }
  }

  private static void compileErrors(
      Check check, @Nullable YamlNode node, String expr, boolean bool, Ctx c) {
    List<CompiledCheck.CelError> errors = CompiledCheck.compileErrors(check, expr, bool);
    if (errors.isEmpty()) {
      return;
    }
    ExpressionPositions pos =
        node instanceof YamlNode.Scalar s ? ExpressionPositions.of(s, c.fileLines) : null;
    for (CompiledCheck.CelError e : errors) {
      int[] lc;
      if (pos == null) {
        lc = new int[] {c.loc(node).line(), c.loc(node).column()};
      } else {
        lc = pos.at(e.offset());
      }
      String src = lc[0] >= 1 && lc[0] <= c.fileLines.size() ? c.fileLines.get(lc[0] - 1) : null;
      c.diags.add(new Diagnostic(new SourceLocation(c.file, lc[0], lc[1]), e.message(), src));
    }
  }

  private static Diagnostic diag(
      String file, List<String> lines, @Nullable YamlNode n, int firstLine, String msg) {
    int line = n == null ? firstLine + 1 : n.line();
    int col = n == null ? 1 : n.column();
    return new Diagnostic(
        new SourceLocation(file, line, col),
        msg,
        line <= lines.size() ? lines.get(line - 1) : null);
  }

  /** Position bookkeeping for one document. */
  private static final class Ctx {
    final String file;
    final List<String> fileLines;
    final int firstLine;
    final List<Diagnostic> diags;

    Ctx(String file, List<String> fileLines, int firstLine, List<Diagnostic> diags) {
      this.file = file;
      this.fileLines = fileLines;
      this.firstLine = firstLine;
      this.diags = diags;
    }

    SourceLocation loc(@Nullable YamlNode n) {
      return n == null ? new SourceLocation(file, firstLine + 1, 1) : n.location(file);
    }

    void error(@Nullable YamlNode n, String msg) {
      SourceLocation l = loc(n);
      diags.add(
          new Diagnostic(
              l, msg, l.line() <= fileLines.size() ? fileLines.get(l.line() - 1) : null));
    }

    @Nullable String string(@Nullable YamlNode parent, String key, boolean required) {
      YamlNode n = Yaml.find(parent, key);
      if (n == null) {
        if (required) {
          error(parent, "missing required field '" + key + "'");
        }
        return null;
      }
      if (!(n instanceof YamlNode.Scalar s)) {
        error(n, "'" + key + "' must be a string");
        return null;
      }
      if (required && s.text().isBlank()) {
        error(n, "'" + key + "' must not be empty");
        return null;
      }
      return s.text();
    }
  }
}
