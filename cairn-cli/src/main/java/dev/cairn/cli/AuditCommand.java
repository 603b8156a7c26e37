package dev.cairn.cli;

import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.deploy.audit.AuditBundles;
import dev.cairn.deploy.audit.AuditVerification;
import dev.cairn.deploy.audit.ExportRequest;
import dev.cairn.deploy.audit.Exported;
import dev.cairn.supplychain.Registries;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn audit export}: a cluster's compliance evidence as one bundle for an auditor. */
@Command(
    name = "audit",
    subcommands = {AuditCommand.Export.class})
final class AuditCommand extends Sub {

  @Command(name = "export")
  static final class Export extends Sub {
    @Option(names = "--cluster", required = true, paramLabel = "ID")
    String cluster = "";

    @Option(names = "--since", required = true, paramLabel = "DATE")
    String since = "";

    @Option(
        names = {"-o", "--output-dir"},
        paramLabel = "DIR")
    @Nullable Path output;

    @Option(names = "--certificates", paramLabel = "DIR|FILE")
    List<Path> certificates = new ArrayList<>();

    @Option(names = "--plain-http", paramLabel = "REGISTRY")
    List<String> plainHttp = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      Instant from = time("--since", since);
      Instant now = Instant.now();
      String id = cluster.startsWith("sha256:") ? cluster.substring(7) : cluster;
      Path out =
          output != null
              ? output
              : Path.of(
                  "audit-"
                      + (id.length() > 12 ? id.substring(0, 12) : id)
                          .replaceAll("[^0-9A-Za-z.-]", "_")
                      + "-"
                      + now.atOffset(ZoneOffset.UTC).toLocalDate());
      var reg = Registries.builder();
      for (String r : plainHttp) {
        reg.allowPlainHttp(r);
      }
      PrintWriter err = err();
      Exported e =
          AuditBundles.create(Clock.systemUTC())
              .export(
                  new ExportRequest(
                      home(),
                      cluster,
                      from,
                      out,
                      certificates.isEmpty() ? List.of(Path.of(".")) : certificates,
                      reg.build()),
                  s -> {
                    err.println("cairn audit: " + Text.escape(s));
                    err.flush();
                  });
      for (String w : e.warnings()) {
        err.println("cairn audit: warning: " + Text.escape(w));
      }
      err.printf(
          "cairn audit: %d certificate(s), %d deploy revision(s), %d image(s) with provenance;"
              + " manifest %s%n",
          e.certificates(), e.revisions(), e.images(), e.manifestDigest());
      err.flush();
      out().println(e.bundle());
      out().flush();
      return Main.OK;
    }
  }

  /** {@code 2026-11-01} (the start of that day, UTC) or an ISO-8601 instant. */
  static Instant time(String option, String text) throws ExitException {
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ExitException.usage(
          option + " " + Text.escape(text) + " is not a date or time",
          "give a date (2026-11-01, UTC) or an instant (2026-11-01T09:00:00Z)");
    }
  }

  /** {@code cairn verify BUNDLE}: the bundle checked offline; 0 verified, 1 a link broke. */
  static int verify(
      Path bundle, @Nullable Path trust, @Nullable String at, boolean json, PrintWriter out)
      throws ExitException {
    Instant when = at == null ? Instant.now() : time("--at", at);
    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(bundle, when, trust);
    if (json) {
      out.print(Json.pretty(v.document()));
      out.println();
    } else {
      text(v, out);
    }
    out.flush();
    return v.verified() ? Main.OK : Main.FINDINGS;
  }

  static void text(AuditVerification v, PrintWriter out) {
    if (v.verified()) {
      out.println("VERIFIED audit bundle " + Text.escape(v.bundle().toString()));
    } else {
      out.println(
          "NOT VERIFIED audit bundle "
              + Text.escape(v.bundle().toString())
              + " ("
              + Text.count(v.failures().size(), "broken link")
              + ")");
      for (AuditVerification.Failure f : v.failures()) {
        out.println(
            "  "
                + Text.escape(f.link())
                + ": "
                + Text.escape(f.subject())
                + ": "
                + Text.escape(f.message()));
      }
    }
    if (v.cluster() != null) {
      out.println("  cluster " + Text.escape(String.valueOf(v.cluster())));
    }
    if (v.manifestDigest() != null) {
      out.println("  manifest " + v.manifestDigest());
    }
    if (v.trustRootDigest() != null) {
      out.println(
          "  trust root "
              + v.trustRootDigest()
              + (v.trustRootFrom().equals("bundle")
                  ? " (the bundle's own: compare it with the one your organisation publishes, or"
                      + " pass --trust)"
                  : " (given)"));
    }
    if (v.checkpoint() != null) {
      out.println("  checkpoint " + Text.escape(String.valueOf(v.checkpoint())));
    }
    for (AuditVerification.CertificateStanding c : v.certificates()) {
      out.println(
          "  certificate "
              + Text.escape(c.certificate())
              + ": "
              + c.status()
              + " ("
              + Text.escape(c.detail())
              + ")");
    }
    out.println("  " + Text.count(v.revisions(), "deploy revision"));
    for (AuditVerification.ImageStanding i : v.images()) {
      out.println(
          "  image "
              + Text.escape(i.image())
              + ": "
              + (i.verified()
                  ? "signature and provenance verified (built from "
                      + Text.escape(String.valueOf(i.repository()))
                      + " at "
                      + Text.escape(String.valueOf(i.commit()))
                      + ")"
                  : "not verified"));
    }
  }
}
