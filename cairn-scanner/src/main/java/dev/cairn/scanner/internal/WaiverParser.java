package dev.cairn.scanner.internal;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.SourceLocation;
import dev.cairn.core.Yaml;
import dev.cairn.core.YamlNode;
import dev.cairn.scanner.Waiver;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Parses exceptions files; every problem becomes a diagnostic. */
public final class WaiverParser {
  private WaiverParser() {}

  public static List<Waiver> parse(String file, String text, List<Diagnostic> diags) {
    List<String> lines = text.lines().toList();
    Yaml.Document d;
    try {
      d = Yaml.parseDocument(file, text, 0);
    } catch (Yaml.YamlSyntaxException e) {
      diags.addAll(e.diagnostics());
      return List.of();
    }
    YamlNode list = Yaml.find(d.node(), "exceptions");
    if (!(list instanceof YamlNode.Sequence seq)) {
      diags.add(at(file, lines, d.node(), "an exceptions file needs a list under 'exceptions:'"));
      return List.of();
    }
    List<Waiver> out = new ArrayList<>();
    for (YamlNode item : seq.items()) {
      String check = str(item, "check");
      String reason = str(item, "reason");
      String expires = str(item, "expires");
      int before = diags.size();
      if (check == null || check.isBlank()) {
        diags.add(at(file, lines, item, "exception needs 'check' (a check id or glob)"));
      }
      if (reason == null || reason.isBlank()) {
        diags.add(at(file, lines, item, "exception needs a 'reason'"));
      }
      Instant exp = null;
      if (expires == null) {
        diags.add(
            at(file, lines, item, "exception needs 'expires' (e.g. 2027-03-31): waivers must end"));
      } else {
        exp = parseExpiry(expires);
        if (exp == null) {
          diags.add(
              at(
                  file,
                  lines,
                  Yaml.find(item, "expires"),
                  "cannot read expiry '" + expires + "' (use YYYY-MM-DD or an RFC 3339 time)"));
        }
      }
      if (diags.size() > before || check == null || reason == null) {
        continue;
      }
      String ns = str(item, "namespace");
      String name = str(item, "name");
      String kind = str(item, "kind");
      out.add(
          new Waiver(
              check,
              ns == null ? "*" : ns,
              name == null ? "*" : name,
              kind == null ? "*" : kind,
              reason,
              exp,
              loc(file, item)));
    }
    return out;
  }

  /** {@code YYYY-MM-DD} (waives through the end of that day, UTC) or an RFC 3339 instant. */
  public static @Nullable Instant parseExpiry(String s) {
    try {
      return LocalDate.parse(s.strip()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(s.strip());
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static @Nullable String str(YamlNode parent, String key) {
    return Yaml.find(parent, key) instanceof YamlNode.Scalar s ? s.text() : null;
  }

  private static SourceLocation loc(String file, @Nullable YamlNode n) {
    return n == null ? new SourceLocation(file, 1, 1) : n.location(file);
  }

  private static Diagnostic at(String file, List<String> lines, @Nullable YamlNode n, String msg) {
    SourceLocation l = loc(file, n);
    return new Diagnostic(l, msg, l.line() <= lines.size() ? lines.get(l.line() - 1) : null);
  }
}
