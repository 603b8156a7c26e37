package dev.cairn.supplychain.vuln;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.SourceLocation;
import dev.cairn.core.Text;
import dev.cairn.core.Yaml;
import dev.cairn.core.YamlNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Accepted vulnerabilities, from a waivers file in the style of the scanner's exceptions file:
 *
 * <pre>
 * waivers:
 *   - id: CVE-2023-5678          # id or alias, or a glob (GHSA-*)
 *     package: pkg:deb/debian/openssl*   # glob over the purl or the name; default *
 *     reason: not reachable: we never parse DH parameters from peers
 *     expires: 2027-03-31        # date (end of day UTC) or RFC 3339 instant; required
 * </pre>
 */
public final class VulnWaivers {
  private final List<VulnWaiver> waivers;

  private VulnWaivers(List<VulnWaiver> waivers) {
    this.waivers = List.copyOf(waivers);
  }

  public static VulnWaivers none() {
    return new VulnWaivers(List.of());
  }

  public static VulnWaivers of(List<VulnWaiver> waivers) {
    return new VulnWaivers(waivers);
  }

  public List<VulnWaiver> all() {
    return waivers;
  }

  /**
   * Reads a waivers file; every problem in it is reported, with its line.
   *
   * @throws VulnException when it cannot be read or has problems (the message names the first, with
   *     {@code file:line:col}, and how many more)
   */
  public static VulnWaivers load(Path file) throws VulnException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new VulnException(
          "cannot read waivers file " + file + ": " + Text.reason(e),
          "check the waivers file's path",
          e);
    }
    List<Diagnostic> diags = new ArrayList<>();
    List<VulnWaiver> ws = parse(file.toString(), text, diags);
    if (!diags.isEmpty()) {
      throw new VulnException(
          diags.size() == 1
              ? diags.get(0).oneLine()
              : diags.get(0).oneLine() + " (and " + (diags.size() - 1) + " more)",
          "give each waiver an id, a reason and an expiry date");
    }
    return new VulnWaivers(ws);
  }

  static List<VulnWaiver> parse(String file, String text, List<Diagnostic> diags) {
    List<String> lines = text.lines().toList();
    Yaml.Document d;
    try {
      d = Yaml.parseDocument(file, text, 0);
    } catch (Yaml.YamlSyntaxException e) {
      diags.addAll(e.diagnostics());
      return List.of();
    }
    YamlNode list = Yaml.find(d.node(), "waivers");
    if (!(list instanceof YamlNode.Sequence seq)) {
      diags.add(at(file, lines, d.node(), "a waivers file needs a list under 'waivers:'"));
      return List.of();
    }
    List<VulnWaiver> out = new ArrayList<>();
    for (YamlNode item : seq.items()) {
      String id = str(item, "id");
      String reason = str(item, "reason");
      String expires = str(item, "expires");
      String pkg = str(item, "package");
      int before = diags.size();
      if (id == null || id.isBlank()) {
        diags.add(at(file, lines, item, "waiver needs 'id' (a vulnerability id or alias)"));
      }
      if (reason == null || reason.isBlank()) {
        diags.add(at(file, lines, item, "waiver needs a 'reason'"));
      }
      Instant exp = null;
      if (expires == null) {
        diags.add(at(file, lines, item, "waiver needs 'expires' (e.g. 2027-03-31): waivers end"));
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
      if (diags.size() > before || id == null || reason == null || exp == null) {
        continue;
      }
      out.add(new VulnWaiver(id, pkg == null ? "*" : pkg, reason, exp, loc(file, item)));
    }
    return out;
  }

  /**
   * The waiver that covers vulnerability {@code ids} (an id and its aliases) in a component: a live
   * one if any, else an expired one (so the report can say it expired), else empty.
   */
  public Optional<VulnWaiver> find(List<String> ids, String purl, String name, Instant now) {
    VulnWaiver expired = null;
    for (VulnWaiver w : waivers) {
      boolean idMatches = ids.stream().anyMatch(i -> glob(w.id(), i));
      boolean pkgMatches =
          w.packageGlob().equals("*")
              || (!purl.isEmpty() && glob(w.packageGlob(), purl))
              || glob(w.packageGlob(), name);
      if (idMatches && pkgMatches) {
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

  /** {@code *} any run of characters, {@code ?} one; ids compare without regard to case. */
  static boolean glob(String glob, String text) {
    StringBuilder re = new StringBuilder("(?i)");
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.matches(re.toString(), text);
  }

  static @Nullable Instant parseExpiry(String s) {
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
    return new Diagnostic(
        l, msg, l.line() >= 1 && l.line() <= lines.size() ? lines.get(l.line() - 1) : null);
  }
}
