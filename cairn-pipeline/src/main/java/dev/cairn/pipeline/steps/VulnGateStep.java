package dev.cairn.pipeline.steps;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Text;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnDb;
import dev.cairn.supplychain.vuln.VulnException;
import dev.cairn.supplychain.vuln.VulnFinding;
import dev.cairn.supplychain.vuln.VulnGate;
import dev.cairn.supplychain.vuln.VulnGateResult;
import dev.cairn.supplychain.vuln.VulnReports;
import dev.cairn.supplychain.vuln.VulnWaivers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code vuln-gate} step: the SBOM of the latest earlier {@code sbom} step (its {@code sbom}
 * output, a path), or the {@code sbom} param (a path in the workspace), against the offline
 * vulnerability database in Cairn's home. Params {@code failOn} (default {@code high}), {@code
 * waivers} (a path in the repository), {@code maxDbAge} (default {@code 7d}). Outputs {@code
 * vulnGate} (the path of the gate's in-toto predicate, in the run's directory), the open findings'
 * counts by severity ({@code critical}, {@code high}, {@code medium}, {@code low}, {@code none},
 * {@code unknown}), {@code passed}, {@code dbDigest} and {@code dbDate}. A failed gate fails the
 * step, and so the run.
 */
final class VulnGateStep implements StepExecutor {
  private final CairnHome home;
  private final Clock clock;

  VulnGateStep(CairnHome home, Clock clock) {
    this.home = home;
    this.clock = clock;
  }

  @Override
  public StepKind kind() {
    return StepKind.VULN_GATE;
  }

  @Override
  public StepResult execute(StepContext ctx) throws PipelineException {
    StepSpec step = ctx.step();
    String where = step.location().toString();
    Path ws = ctx.workspace().toAbsolutePath().normalize();
    String given = ctx.output(StepKind.SBOM, "sbom").orElse(step.param("sbom", ""));
    if (given.isEmpty()) {
      throw new PipelineException(
          where + ": the vuln-gate step has no SBOM",
          "put an sbom step before it, or name a CycloneDX file in the workspace: vuln-gate: {sbom:"
              + " app.cdx.json}");
    }
    Path sbom = ws.resolve(given).normalize();
    if (ctx.output(StepKind.SBOM, "sbom").isEmpty() && !sbom.startsWith(ws)) {
      throw new PipelineException(
          where + ": sbom path '" + given + "' leaves the workspace",
          "give a path inside the repository");
    }
    Severity failOn =
        Severity.parse(step.param("failOn", "high"))
            .orElseThrow(
                () ->
                    new PipelineException(
                        where + ": unknown severity '" + step.param("failOn", "") + "' in failOn",
                        "use one of critical, high, medium, low, none, unknown"));
    Duration maxAge = age(where, step.param("maxDbAge", "7d"));
    VulnWaivers waivers = VulnWaivers.none();
    String w = step.param("waivers", "");
    try {
      if (!w.isEmpty()) {
        Path f = ws.resolve(w).normalize();
        if (!f.startsWith(ws)) {
          throw new PipelineException(
              where + ": waivers path '" + w + "' leaves the workspace",
              "give a path inside the repository");
        }
        waivers = VulnWaivers.load(f);
      }
      VulnGateResult r =
          VulnGate.scan(
              VulnDb.open(home, clock),
              sbom,
              VulnGate.Options.defaults()
                  .withFailOn(failOn)
                  .withMaxDbAge(maxAge)
                  .withWaivers(waivers),
              clock);
      Path predicate = predicatePath(ctx);
      AtomicFiles.write(predicate, VulnGate.predicate(r), false);
      for (VulnFinding f : r.failing()) {
        ctx.log()
            .line(
                f.severity().id()
                    + " "
                    + f.id()
                    + " in "
                    + f.packageName()
                    + " "
                    + f.version()
                    + (f.fixed().isEmpty()
                        ? ""
                        : " (fixed in " + String.join(", ", f.fixed()) + ")"));
      }
      for (String n : r.notices()) {
        ctx.log().line(n);
      }
      for (String id : r.expiredWaivers()) {
        ctx.log().line("the waiver of " + id + " has expired; it no longer waives");
      }
      if (r.dbStale()) {
        ctx.log()
            .line(
                "warning: the vulnerability data is older than maxDbAge "
                    + step.param("maxDbAge", "7d")
                    + (r.dbDate() == null ? "" : " (data of " + r.dbDate() + ")"));
      }
      Map<String, String> out = new LinkedHashMap<>();
      out.put("vulnGate", predicate.toString());
      for (Map.Entry<Severity, Integer> e : r.counts().entrySet()) {
        out.put(e.getKey().id(), Integer.toString(e.getValue()));
      }
      out.put("passed", Boolean.toString(r.passed()));
      out.put("dbDigest", r.dbDigest().toString());
      out.put("dbDate", r.dbDate() == null ? "" : r.dbDate().toString());
      String summary =
          Text.count(r.findings().size(), "finding")
              + " ("
              + r.counts().get(Severity.CRITICAL)
              + " critical, "
              + r.counts().get(Severity.HIGH)
              + " high, "
              + r.waived().size()
              + " waived); gate at "
              + failOn.id()
              + ": "
              + (r.passed()
                  ? "passed"
                  : "failed, "
                      + Text.count(r.failing().size(), "finding")
                      + " at or above "
                      + failOn.id())
              + "; database "
              + r.dbDigest()
              + (r.dbDate() == null
                  ? ""
                  : " of "
                      + r.dbDate()
                      + " ("
                      + VulnReports.age(r.dbDate(), r.scannedAt())
                      + " old)");
      ctx.log().line(summary);
      // the engine keeps only a successful step's outputs: the log says where the result is
      ctx.log()
          .line("gate result (in-toto predicate " + VulnGate.PREDICATE_TYPE + "): " + predicate);
      return new StepResult(r.passed(), null, summary, out, false);
    } catch (VulnException e) {
      throw new PipelineException(where + ": " + e.getMessage(), e.hint().orElse(null));
    } catch (IOException e) {
      throw new PipelineException(
          where + ": cannot write the gate's result: " + Text.reason(e),
          "check that Cairn's home is writable");
    }
  }

  /** In the run's directory of the home's run store when it is there, else beside the database. */
  private Path predicatePath(StepContext ctx) {
    String name = ctx.step().name().replaceAll("[^A-Za-z0-9._-]", "_") + ".vuln-gate.json";
    Path runDir = home.pipeline().resolve("runs").resolve(ctx.runId());
    if (Files.isRegularFile(runDir.resolve("run.json"))) {
      return runDir.resolve(name);
    }
    return home.dir(VulnDb.DIR).resolve("gates").resolve(ctx.runId()).resolve(name);
  }

  private static Duration age(String where, String v) throws PipelineException {
    String s = v.strip().toLowerCase(Locale.ROOT);
    if (s.matches("[0-9]{1,6}[dhm]")) {
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 'd' -> Duration.ofDays(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofMinutes(n);
      };
    }
    throw new PipelineException(
        where + ": cannot read maxDbAge '" + v + "'", "write it as 7d, 36h or 90m");
  }
}
