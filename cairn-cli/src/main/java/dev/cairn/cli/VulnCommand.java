package dev.cairn.cli;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.supplychain.vuln.DbImport;
import dev.cairn.supplychain.vuln.DbStatus;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnDb;
import dev.cairn.supplychain.vuln.VulnGate;
import dev.cairn.supplychain.vuln.VulnGateResult;
import dev.cairn.supplychain.vuln.VulnReports;
import dev.cairn.supplychain.vuln.VulnWaivers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn vuln}: the offline vulnerability database and gate. */
@Command(
    name = "vuln",
    subcommands = {VulnCommand.Db.class, VulnCommand.Scan.class})
final class VulnCommand extends Sub {
  static VulnDb db(Sub s) {
    return VulnDb.open(s.home(), Clock.systemUTC());
  }

  @Command(
      name = "db",
      subcommands = {VulnCommand.Import.class, VulnCommand.Status.class})
  static final class Db extends Sub {}

  @Command(name = "import")
  static final class Import extends Sub {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", descriptionKey = "vuln-sources")
    List<Path> sources = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      VulnDb db = db(this);
      for (Path p : sources) {
        VulnDb.Imported i = db.importFrom(p);
        DbImport r = i.record();
        if (i.repeated()) {
          out()
              .println(
                  p
                      + ": already imported on "
                      + r.importedAt()
                      + " ("
                      + r.digest()
                      + "); nothing changed");
        } else {
          out()
              .println(
                  "imported "
                      + p
                      + ": "
                      + entries(r.total())
                      + " ("
                      + r.added()
                      + " new, "
                      + r.replaced()
                      + " newer) "
                      + counts(r.entries())
                      + ", "
                      + r.digest());
        }
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "status")
  static final class Status extends Sub {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT")
    String output = "table";

    @Override
    public Integer call() throws Exception {
      DbStatus s = db(this).status();
      Instant now = Instant.now();
      if (output.equalsIgnoreCase("json")) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("digest", s.digest().toString());
        m.put("newestModified", s.newestModified() == null ? null : s.newestModified().toString());
        m.put("ageSeconds", s.age(now).map(Duration::toSeconds).orElse(null));
        m.put("entries", s.entries());
        List<Object> imports = new ArrayList<>();
        for (DbImport i : s.imports()) {
          Map<String, Object> im = new LinkedHashMap<>();
          im.put("source", i.source());
          im.put("digest", i.digest().toString());
          im.put("importedAt", i.importedAt().toString());
          im.put("entries", i.entries());
          im.put(
              "newestModified", i.newestModified() == null ? null : i.newestModified().toString());
          im.put("added", i.added());
          im.put("replaced", i.replaced());
          imports.add(im);
        }
        m.put("imports", imports);
        out().print(Json.pretty(m));
      } else if (output.equalsIgnoreCase("table")) {
        if (s.empty()) {
          out()
              .println(
                  "the vulnerability database is empty; import OSV exports with cairn vuln db import FILE|DIR");
        } else {
          out().println("database " + s.digest());
          out()
              .println(
                  entries(s.total())
                      + " "
                      + counts(s.entries())
                      + (s.newestModified() == null
                          ? ""
                          : ", data of "
                              + s.newestModified()
                              + " ("
                              + VulnReports.age(s.newestModified(), now)
                              + " old)"));
          out().println("imports:");
          for (DbImport i : s.imports()) {
            out()
                .println(
                    "  "
                        + i.importedAt()
                        + "  "
                        + i.source()
                        + "  "
                        + entries(i.total())
                        + "  "
                        + i.digest());
          }
        }
      } else {
        throw ExitException.usage(
            "unknown output format '" + output + "'", "use -o table or -o json");
      }
      out().flush();
      return Main.OK;
    }
  }

  private static String entries(int n) {
    return n + (n == 1 ? " entry" : " entries");
  }

  private static String counts(Map<String, Integer> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + " " + v));
    return "(" + String.join(", ", parts) + ")";
  }

  @Command(name = "scan")
  static final class Scan extends Sub {
    @Parameters(arity = "1", paramLabel = "SBOM", descriptionKey = "vuln-sbom")
    @SuppressWarnings("NullAway.Init")
    Path sbom;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", converter = SeverityValue.class)
    Severity failOn = Severity.HIGH;

    @Option(names = "--waivers", paramLabel = "FILE")
    @Nullable Path waivers;

    @Option(names = "--max-db-age", paramLabel = "AGE", converter = AgeValue.class)
    Duration maxDbAge = VulnGate.DEFAULT_MAX_DB_AGE;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        converter = FormatValue.class)
    VulnReports.Format output = VulnReports.Format.TABLE;

    @Option(names = "--predicate-file", paramLabel = "FILE")
    @Nullable Path predicateFile;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(sbom)) {
        throw ExitException.usage(
            sbom + " is not an SBOM file" + (Files.exists(sbom) ? "" : " (no such file)"),
            "give an SBOM file (cairn sbom IMAGE -o cyclonedx-json)");
      }
      VulnGate.Options o =
          VulnGate.Options.defaults()
              .withFailOn(failOn)
              .withMaxDbAge(maxDbAge)
              .withWaivers(waivers == null ? VulnWaivers.none() : VulnWaivers.load(waivers));
      VulnGateResult r = VulnGate.scan(db(this), sbom, o, Clock.systemUTC());
      VulnReports.write(r, output, out());
      out().flush();
      if (predicateFile != null) {
        try {
          AtomicFiles.write(predicateFile, VulnGate.predicate(r), false);
        } catch (IOException e) {
          throw ExitException.usage(
              "cannot write the predicate to " + predicateFile + ": " + Text.reason(e),
              "pass --predicate-file a path in a directory you can write");
        }
      }
      for (String n : r.notices()) {
        err().println("cairn: " + Text.escape(n));
      }
      if (r.dbStale()) {
        err()
            .println(
                "cairn: warning: the vulnerability data is "
                    + (r.dbDate() == null
                        ? "undated"
                        : VulnReports.age(r.dbDate(), r.scannedAt()) + " old")
                    + ", older than --max-db-age "
                    + AgeValue.format(maxDbAge)
                    + "; import a newer OSV export");
      }
      for (String id : r.expiredWaivers()) {
        err().println("cairn: the waiver of " + id + " has expired; it no longer waives");
      }
      err().flush();
      return r.passed() ? Main.OK : Main.FINDINGS;
    }
  }

  static final class SeverityValue implements ITypeConverter<Severity> {
    @Override
    public Severity convert(String value) throws ExitException {
      return Severity.parse(value)
          .orElseThrow(
              () ->
                  ExitException.usage(
                      "unknown severity '" + value + "'",
                      "use one of critical, high, medium, low, none, unknown"));
    }
  }

  static final class FormatValue implements ITypeConverter<VulnReports.Format> {
    @Override
    public VulnReports.Format convert(String value) throws ExitException {
      return VulnReports.Format.of(value)
          .orElseThrow(
              () ->
                  ExitException.usage(
                      "unknown output format '" + value + "'", "use table, json or sarif"));
    }
  }

  /** An age: a number and a unit, {@code d} days, {@code h} hours, {@code m} minutes. */
  static final class AgeValue implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) throws ExitException {
      String v = value.strip().toLowerCase(Locale.ROOT);
      if (v.matches("[0-9]{1,6}[dhm]")) {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 'd' -> Duration.ofDays(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofMinutes(n);
        };
      }
      throw ExitException.usage("cannot read age '" + value + "'", "write it as 7d, 36h or 90m");
    }

    static String format(Duration d) {
      if (d.toMinutes() % (24 * 60) == 0) {
        return d.toDays() + "d";
      }
      return d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
    }
  }
}
