package dev.cairn.supplychain.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Json;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate over the project's fixtures: what matches, what does not, and why. */
class VulnGateTest {
  @TempDir Path tmp;
  VulnDb db;

  @BeforeEach
  void load() throws Exception {
    db = VulnDb.at(tmp.resolve("db"), Fixtures.CLOCK);
    db.importFrom(Fixtures.osvDir());
  }

  private VulnGateResult scan(VulnGate.Options o) throws VulnException {
    return VulnGate.scan(db, Fixtures.sbom(), o, Fixtures.CLOCK);
  }

  private static Map<String, String> byId(VulnGateResult r) {
    return r.findings().stream()
        .collect(
            Collectors.toMap(
                VulnFinding::id,
                f -> f.packageName() + "@" + f.version() + " " + f.severity().id()));
  }

  @Test
  void fixtures_matchExactlyTheAffectedComponents() throws Exception {
    VulnGateResult r = scan(VulnGate.Options.defaults());
    assertThat(byId(r))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                // vulnerable, CVSS v3.1 9.8
                Map.entry("DEBIAN-CVE-2099-0001", "openssl@3.0.11-1~deb12u2 critical"),
                // two entries, aliases of one another: one finding, the higher severity
                Map.entry("DEBIAN-CVE-2099-0003", "zlib@1:1.2.13.dfsg-1 high"),
                // last_affected equal to the installed version; no severity anywhere
                Map.entry("DEBIAN-CVE-2099-0005", "bash@5.2.15-2 unknown"),
                // database_specific severity
                Map.entry("ALPINE-CVE-2099-0010", "busybox@1.36.1-r15 medium"),
                // the second of two ranges
                Map.entry("ALPINE-CVE-2099-0011", "musl@1.2.5-r0 medium"),
                // nested in the application's component
                Map.entry(
                    "GHSA-9999-aaaa-0001", "org.apache.logging.log4j:log4j-core@2.14.1 critical"),
                // CVSS v4.0
                Map.entry(
                    "GHSA-9999-aaaa-0002",
                    "com.fasterxml.jackson.core:jackson-databind@2.13.3 high"),
                Map.entry("GHSA-9999-bbbb-0001", "lodash@4.17.20 high"),
                // the versions list
                Map.entry("GHSA-9999-bbbb-0002", "@babel/traverse@7.22.0 low"),
                Map.entry("PYSEC-2099-1", "django@3.2.18 high"),
                Map.entry("GO-2099-0001", "github.com/gin-gonic/gin@v1.9.0 medium"),
                // a pseudo-version
                Map.entry(
                    "GO-2099-0002", "golang.org/x/net@v0.0.0-20220906165146-f3363e06e74c high")));
    // not matched: fixed before (DEBIAN-CVE-2099-0002, ALPINE-CVE-2099-0012), withdrawn (0004),
    // another release (0006), fixed in exactly the version (PYSEC-2099-2, spring-core), past a
    // limit (minimist)
    VulnFinding zlib =
        r.findings().stream()
            .filter(f -> f.id().equals("DEBIAN-CVE-2099-0003"))
            .findFirst()
            .orElseThrow();
    assertThat(zlib.matched()).containsExactly("DEBIAN-CVE-2099-0003", "DSA-9001-1");
    assertThat(zlib.aliases()).containsExactly("CVE-2099-0003", "DSA-9001-1");
    assertThat(zlib.fixed()).containsExactly("1:1.2.13.dfsg-2");
    assertThat(r.components()).isEqualTo(18);
    assertThat(r.notices())
        .containsExactly(
            "1 component of type (no purl) not matched: Cairn matches deb, apk, maven, npm, pypi and golang purls");
    assertThat(r.counts())
        .containsEntry(Severity.CRITICAL, 2)
        .containsEntry(Severity.HIGH, 5)
        .containsEntry(Severity.MEDIUM, 3)
        .containsEntry(Severity.LOW, 1)
        .containsEntry(Severity.UNKNOWN, 1);
    assertThat(r.passed()).isFalse();
    assertThat(r.failing()).hasSize(7);
    assertThat(r.dbStale()).isFalse();
    assertThat(r.findings().get(0).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void threshold_decides() throws Exception {
    assertThat(scan(VulnGate.Options.defaults().withFailOn(Severity.CRITICAL)).passed()).isFalse();
    VulnWaivers both =
        VulnWaivers.of(
            List.of(
                waiver("CVE-2099-0020", "*", "2027-01-01"),
                waiver("DEBIAN-CVE-2099-0001", "pkg:deb/debian/openssl*", "2027-01-01")));
    VulnGateResult r =
        scan(VulnGate.Options.defaults().withFailOn(Severity.CRITICAL).withWaivers(both));
    assertThat(r.passed()).isTrue();
    assertThat(r.waived()).containsExactly("DEBIAN-CVE-2099-0001", "GHSA-9999-aaaa-0001");
    assertThat(r.counts()).containsEntry(Severity.CRITICAL, 0);
    assertThat(
            scan(VulnGate.Options.defaults().withFailOn(Severity.UNKNOWN).withWaivers(both))
                .passed())
        .isFalse();
  }

  private static VulnWaiver waiver(String id, String pkg, String until) {
    return new VulnWaiver(
        id,
        pkg,
        "accepted in a test",
        Instant.parse(until + "T00:00:00Z"),
        dev.cairn.core.SourceLocation.of("test"));
  }

  @Test
  void waiversFile_byAlias_andExpiredOneDoesNotWaive() throws Exception {
    Path file = tmp.resolve("waivers.yaml");
    Files.writeString(
        file,
        """
        waivers:
          - id: CVE-2099-0030
            package: lodash
            reason: only used at build time
            expires: 2027-03-31
          - id: GHSA-9999-aaaa-*
            package: pkg:maven/org.apache.logging.log4j/*
            reason: JNDI lookups disabled
            expires: 2026-11-01
        """);
    VulnGateResult r = scan(VulnGate.Options.defaults().withWaivers(VulnWaivers.load(file)));
    VulnFinding lodash =
        r.findings().stream()
            .filter(f -> f.id().equals("GHSA-9999-bbbb-0001"))
            .findFirst()
            .orElseThrow();
    assertThat(lodash.waived()).isTrue();
    assertThat(lodash.waiver().origin().toString()).isEqualTo(file + ":2:5");
    VulnFinding log4j =
        r.findings().stream()
            .filter(f -> f.id().equals("GHSA-9999-aaaa-0001"))
            .findFirst()
            .orElseThrow();
    assertThat(log4j.waived()).isFalse();
    assertThat(log4j.expiredWaiver()).isNotNull();
    assertThat(r.expiredWaivers()).containsExactly("GHSA-9999-aaaa-0001");
    assertThat(r.waived()).containsExactly("GHSA-9999-bbbb-0001");
    assertThat(r.passed()).isFalse();
  }

  @Test
  void badWaiversFile_namesEveryProblemsLine() throws Exception {
    Path file = tmp.resolve("waivers.yaml");
    Files.writeString(
        file,
        """
        waivers:
          - id: CVE-1
            expires: 2027-01-01
          - id: CVE-2
            reason: fine
            expires: someday
        """);
    assertThatThrownBy(() -> VulnWaivers.load(file))
        .isInstanceOf(VulnException.class)
        .hasMessage(file + ":2:5: waiver needs a 'reason' (and 1 more)");
  }

  @Test
  void staleData_isMarked() throws Exception {
    Clock later = Clock.fixed(Instant.parse("2026-12-20T00:00:00Z"), ZoneOffset.UTC);
    VulnGateResult r = VulnGate.scan(db, Fixtures.sbom(), VulnGate.Options.defaults(), later);
    assertThat(r.dbStale()).isTrue();
    r =
        VulnGate.scan(
            db,
            Fixtures.sbom(),
            VulnGate.Options.defaults().withMaxDbAge(Duration.ofDays(60)),
            later);
    assertThat(r.dbStale()).isFalse();
  }

  @Test
  void emptyDatabase_refusesToGate() {
    VulnDb empty = VulnDb.at(tmp.resolve("empty"), Fixtures.CLOCK);
    assertThatThrownBy(
            () ->
                VulnGate.scan(empty, Fixtures.sbom(), VulnGate.Options.defaults(), Fixtures.CLOCK))
        .isInstanceOf(VulnException.class)
        .hasMessageContaining("the vulnerability database is empty");
  }

  @Test
  void notAnSbom_isRefusedWithAHint() throws Exception {
    Path f = tmp.resolve("x.json");
    Files.writeString(f, "{\"spdxVersion\": \"SPDX-2.3\"}");
    assertThatThrownBy(() -> VulnGate.scan(db, f, VulnGate.Options.defaults(), Fixtures.CLOCK))
        .isInstanceOf(VulnException.class)
        .hasMessage(f + ": not a CycloneDX SBOM (its bomFormat is null)")
        .satisfies(
            e ->
                assertThat(((VulnException) e).hint())
                    .contains("give a CycloneDX JSON SBOM (cairn sbom IMAGE -o cyclonedx-json)"));
  }

  @Test
  void pypiNames_matchNormalised() throws Exception {
    Path e = tmp.resolve("e.json");
    Files.writeString(
        e,
        """
        {"id": "PYSEC-2099-9", "modified": "2026-11-20T00:00:00Z",
         "affected": [{"package": {"ecosystem": "PyPI", "name": "Zope_Interface"}, "versions": ["5.4.0"]}]}
        """);
    db.importFrom(e);
    Path sbom = tmp.resolve("py.cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"type": "library", "name": "zope.interface", "version": "5.4.0", "purl": "pkg:pypi/zope.interface@5.4.0"}]}
        """);
    VulnGateResult r = VulnGate.scan(db, sbom, VulnGate.Options.defaults(), Fixtures.CLOCK);
    assertThat(r.findings()).extracting(VulnFinding::id).containsExactly("PYSEC-2099-9");
  }

  @Test
  void predicate_isDeterministicCanonicalJson() throws Exception {
    VulnGateResult a = scan(VulnGate.Options.defaults());
    VulnGateResult b = scan(VulnGate.Options.defaults());
    byte[] pa = VulnGate.predicate(a);
    assertThat(pa).isEqualTo(VulnGate.predicate(b));
    String text = new String(pa, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\n").startsWith("{\"counts\":{");
    Map<String, Object> m = Json.parseObject(text);
    assertThat(m.get("passed")).isEqualTo(false);
    assertThat(m.get("threshold")).isEqualTo("high");
    assertThat(((Map<?, ?>) m.get("database")).get("digest"))
        .isEqualTo(db.status().digest().toString());
    assertThat(((Map<?, ?>) m.get("database")).get("date")).isEqualTo("2026-11-20T10:00:00Z");
    assertThat(((Map<?, ?>) m.get("counts")).get("critical")).isEqualTo(2L);
    assertThat(VulnGate.PREDICATE_TYPE).isEqualTo("https://cairn.dev/vuln-gate/v1");
  }

  @Test
  void sarif_hasARulePerVulnerability_andThePurlAsLogicalLocation() throws Exception {
    StringWriter w = new StringWriter();
    VulnReports.write(scan(VulnGate.Options.defaults()), VulnReports.Format.SARIF, w);
    Map<String, Object> doc = Json.parseObject(w.toString());
    assertThat(doc.get("version")).isEqualTo("2.1.0");
    Map<?, ?> run = (Map<?, ?>) ((List<?>) doc.get("runs")).get(0);
    List<?> rules =
        (List<?>) ((Map<?, ?>) ((Map<?, ?>) run.get("tool")).get("driver")).get("rules");
    List<?> results = (List<?>) run.get("results");
    assertThat(rules).hasSize(12);
    assertThat(results).hasSize(12);
    Map<?, ?> first = (Map<?, ?>) results.get(0);
    assertThat(first.get("level")).isEqualTo("error");
    Map<?, ?> loc = (Map<?, ?>) ((List<?>) first.get("locations")).get(0);
    Map<?, ?> logical = (Map<?, ?>) ((List<?>) loc.get("logicalLocations")).get(0);
    assertThat((String) logical.get("fullyQualifiedName")).startsWith("pkg:");
    assertThat(
            ((Map<?, ?>) ((Map<?, ?>) loc.get("physicalLocation")).get("artifactLocation"))
                .get("uri"))
        .asString()
        .endsWith("fixture.cdx.json");
  }

  @Test
  void table_summarisesTheDecision() throws Exception {
    StringWriter w = new StringWriter();
    VulnReports.write(scan(VulnGate.Options.defaults()), VulnReports.Format.TABLE, w);
    String t = w.toString();
    assertThat(t.lines().findFirst().orElseThrow()).startsWith("SEVERITY").contains("FIXED IN");
    assertThat(t)
        .containsPattern(
            "(?m)^critical 9.8 +DEBIAN-CVE-2099-0001 +openssl +3.0.11-1~deb12u2 +3.0.13-1~deb12u1 +open$");
    assertThat(t)
        .contains(
            "12 findings in 18 components (2 critical, 5 high, 3 medium, 1 low, 1 unknown); gate at"
                + " high: FAILED (7 findings at or above high)");
    assertThat(t).contains("data of 2026-11-20T10:00:00Z (4 days old)");
  }
}
