package dev.cairn.deploy.admission;

import dev.cairn.core.SourceLocation;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnDb;
import dev.cairn.supplychain.vuln.VulnGate;
import dev.cairn.supplychain.vuln.VulnGateResult;
import dev.cairn.supplychain.vuln.VulnWaiver;
import dev.cairn.supplychain.vuln.VulnWaivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Real vulnerability-gate results: OSV entries written for the test and imported into a real {@link
 * VulnDb}, a CycloneDX SBOM scanned by {@link VulnGate#scan}, and the result attested about an
 * image with cosign's layout ({@link VulnGate#PREDICATE_TYPE}), as the pipeline's sign step does.
 */
public final class VulnGateResults {
  /** A critical vulnerability in {@code org.example:crit-lib} before 2.0. */
  public static final String CRITICAL = "GHSA-test-crit-0001";

  /** A high one in {@code org.example:waived-lib} before 2.0, which {@link #scan} waives. */
  public static final String WAIVED = "GHSA-test-high-0001";

  /** A medium one in {@code org.example:med-lib} before 2.0. */
  public static final String MEDIUM = "GHSA-test-med-0001";

  private VulnGateResults() {}

  /** A database in {@code dir} of the three entries, all modified at {@code modified}. */
  public static VulnDb database(Path dir, Instant modified) throws Exception {
    Path osv = Files.createDirectories(dir.resolve("osv"));
    Files.writeString(
        osv.resolve(CRITICAL + ".json"), entry(CRITICAL, "crit-lib", "CRITICAL", modified));
    Files.writeString(osv.resolve(WAIVED + ".json"), entry(WAIVED, "waived-lib", "HIGH", modified));
    Files.writeString(
        osv.resolve(MEDIUM + ".json"), entry(MEDIUM, "med-lib", "MODERATE", modified));
    VulnDb db = VulnDb.at(dir.resolve("db"), Clock.systemUTC());
    db.importFrom(osv);
    return db;
  }

  private static String entry(String id, String artifact, String severity, Instant modified) {
    return """
        {"schema_version": "1.6.0", "id": "%s", "modified": "%s", "summary": "%s (test)",
         "affected": [{"package": {"ecosystem": "Maven", "name": "org.example:%s"},
           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}],
         "database_specific": {"severity": "%s"}}
        """
        .formatted(id, modified, artifact, artifact, severity);
  }

  /**
   * The gate's result on an SBOM of {@code artifacts} (each {@code org.example:NAME@1.0}), with
   * {@link #WAIVED} waived, failing on {@code failOn}.
   */
  public static VulnGateResult scan(VulnDb db, Path dir, Severity failOn, String... artifacts)
      throws Exception {
    String components =
        List.of(artifacts).stream()
            .map(
                a ->
                    "{\"type\":\"library\",\"name\":\"%s\",\"version\":\"1.0\",\"purl\":\"pkg:maven/org.example/%s@1.0\"}"
                        .formatted(a, a))
            .collect(Collectors.joining(","));
    Path sbom =
        Files.writeString(
            Files.createTempFile(dir, "app", ".cdx.json"),
            "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":["
                + components
                + "]}");
    VulnWaivers waivers =
        VulnWaivers.of(
            List.of(
                new VulnWaiver(
                    WAIVED,
                    "*",
                    "not reachable in this service",
                    Instant.now().plus(Duration.ofDays(30)),
                    SourceLocation.of("waivers.yaml"))));
    return VulnGate.scan(
        db,
        sbom,
        VulnGate.Options.defaults().withFailOn(failOn).withWaivers(waivers),
        Clock.systemUTC());
  }

  /** Attests {@code result} about {@code image} (by digest), signed by {@code key}. */
  public static void attest(OciClient oci, ImageRef image, VulnGateResult result, KeyPair key)
      throws Exception {
    Cosign.using(oci)
        .attest(
            image,
            Cosign.statement(image, VulnGate.PREDICATE_TYPE, VulnGate.predicateValue(result)),
            key.getPrivate(),
            Cosign.Storage.BOTH);
  }
}
