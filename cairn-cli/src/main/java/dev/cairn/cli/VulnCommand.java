package dev.cairn.cli;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.ImageVerifyRequest;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.sbom.Sbom;
import dev.cairn.supplychain.sbom.Sboms;
import dev.cairn.supplychain.vuln.DbImport;
import dev.cairn.supplychain.vuln.DbStatus;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnDb;
import dev.cairn.supplychain.vuln.VulnGate;
import dev.cairn.supplychain.vuln.VulnGateResult;
import dev.cairn.supplychain.vuln.VulnReports;
import dev.cairn.supplychain.vuln.VulnWaivers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    @Parameters(arity = "1", paramLabel = "SBOM|IMAGE", descriptionKey = "vuln-sbom")
    @SuppressWarnings("NullAway.Init")
    String target;

    @Option(names = "--trust", paramLabel = "FILE")
    @Nullable Path trust;

    @Option(names = "--platform", paramLabel = "OS/ARCH")
    String platform = "linux/amd64";

    @Option(names = "--plain-http")
    boolean plainHttp;

    @Option(names = "--registry-ca", paramLabel = "FILE")
    @Nullable Path registryCa;

    @Option(names = "--registry-user", paramLabel = "NAME")
    @Nullable String registryUser;

    @Option(names = "--registry-password-env", paramLabel = "VAR")
    @Nullable String registryPasswordEnv;

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
      Path sbom = Path.of(target);
      ImageRef image = null;
      if (!Files.isRegularFile(sbom)) {
        image = Files.exists(sbom) ? null : imageRef(target);
        if (image == null) {
          throw ExitException.usage(
              target
                  + " is not an SBOM file"
                  + (Files.exists(sbom) ? "" : " (no such file)")
                  + " nor an image reference",
              "give an SBOM file (cairn sbom IMAGE -o cyclonedx-json), or an image as"
                  + " registry/repository:tag or @sha256:<digest>");
        }
      } else if (plainHttp || registryCa != null || registryUser != null || trust != null) {
        throw ExitException.usage(
            "registry and trust options are for an image, not an SBOM file (" + target + ")",
            "leave them out, or name an image");
      }
      VulnGate.Options o =
          VulnGate.Options.defaults()
              .withFailOn(failOn)
              .withMaxDbAge(maxDbAge)
              .withWaivers(waivers == null ? VulnWaivers.none() : VulnWaivers.load(waivers));
      VulnGateResult r;
      if (image == null) {
        r = VulnGate.scan(db(this), sbom, o, Clock.systemUTC());
      } else {
        Path tmp = Files.createTempFile("cairn-vuln-", ".cdx.json");
        try {
          ImageRef scanned = imageSbom(image, tmp);
          r =
              VulnGate.scan(
                  db(this),
                  scanned.toString(),
                  Digest.sha256(Files.readAllBytes(tmp)),
                  dev.cairn.supplychain.vuln.Sboms.read(tmp),
                  o,
                  Clock.systemUTC());
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
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

    private static @Nullable ImageRef imageRef(String text) {
      try {
        ImageRef ref = ImageRef.parse(text);
        return ref.tag() == null && ref.digest() == null ? null : ref;
      } catch (CairnException | RuntimeException e) {
        return null;
      }
    }

    /**
     * Writes the SBOM of {@code image} to {@code file}: the CycloneDX predicate of its SBOM
     * attestation when the image verifies against the trust root and a trusted builder attested one
     * (no re-scan of the image), else the SBOM computed from the image's layers. Says which on
     * stderr.
     *
     * @return the image by digest
     */
    private ImageRef imageSbom(ImageRef image, Path file) throws Exception {
      OciClient oci =
          SbomCommand.registry(
              this, image, plainHttp, registryCa, registryUser, registryPasswordEnv);
      ImageRef ref = image;
      if (ref.digest() == null) {
        Descriptor d =
            oci.headManifest(ref)
                .orElseThrow(
                    () ->
                        ExitException.usage(
                            "image " + image + " is not in its registry",
                            "check the reference, or push the image first"));
        ref = ref.withDigest(d.digest());
      }
      String why = attestedSbom(ref, oci, file);
      if (why == null) {
        err()
            .println(
                "cairn: scanning the SBOM attested by the image's builder (verified against the"
                    + " trust root)");
        return ref;
      }
      err().println("cairn: " + why + "; computing the SBOM from the image");
      Progress progress = Progress.forStderr();
      Sbom computed;
      try {
        computed =
            Sboms.image(
                oci,
                ref,
                Sboms.Options.of(Clock.systemUTC())
                    .withTool(dev.cairn.scanner.Version.TOOL)
                    .withPlatform(platform)
                    .withProgress(progress::update));
      } finally {
        progress.done();
      }
      for (String w : computed.warnings()) {
        err().println("cairn: warning: " + Text.escape(w));
      }
      computed.write(file);
      return ref;
    }

    /** Writes the verified SBOM attestation to {@code file}, or says why there is none. */
    private @Nullable String attestedSbom(ImageRef ref, OciClient oci, Path file) throws Exception {
      Path trustFile = trust != null ? trust : home().trustRoot();
      if (!Files.exists(trustFile)) {
        if (trust != null) {
          throw ExitException.usage(
              "there is no trust root " + trustFile, "pass --trust a trust root file");
        }
        return "no trust root " + trustFile + " to verify an SBOM attestation with";
      }
      TrustRoot root = TrustRoot.parse(Files.readString(trustFile));
      ImageVerifyResult v =
          ImageVerifier.create(Clock.systemUTC())
              .verify(
                  ImageVerifyRequest.of(ref, root, new ImageVerifyRequest.Source.Registry(oci)));
      if (v instanceof ImageVerifyResult.NotVerified n) {
        return "the image does not verify (" + n.link() + ": " + Text.escape(n.message()) + ")";
      }
      List<ImageVerifyResult.Attestation> sboms =
          ((ImageVerifyResult.Verified) v).attestations(CYCLONEDX);
      if (sboms.isEmpty()) {
        return "the image verifies, but its builder attested no SBOM (" + CYCLONEDX + ")";
      }
      AtomicFiles.write(file, sboms.get(0).predicate().getBytes(StandardCharsets.UTF_8), false);
      return null;
    }
  }

  /** cosign's {@code --type cyclonedx}: the predicate type of an image's SBOM attestation. */
  static final String CYCLONEDX = "https://cyclonedx.org/bom";

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
