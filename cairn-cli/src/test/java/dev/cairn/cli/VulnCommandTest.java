package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CliTest.Run;
import dev.cairn.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn vuln db import|status} and {@code cairn vuln scan}: output and exit codes. */
class VulnCommandTest {
  @TempDir Path tmp;
  Path home;
  Path osv;
  Path sbom;

  @BeforeEach
  void files() throws Exception {
    home = tmp.resolve("home");
    osv = tmp.resolve("osv");
    Files.createDirectories(osv);
    Files.writeString(
        osv.resolve("DEBIAN-CVE-2099-0001.json"),
        """
        {"id": "DEBIAN-CVE-2099-0001", "modified": "2026-11-20T10:00:00Z", "aliases": ["CVE-2099-0001"],
         "summary": "openssl: fixture",
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.13-1~deb12u1"}]}]}],
         "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}
        """);
    Files.writeString(
        osv.resolve("GHSA-9999-bbbb-0001.json"),
        """
        {"id": "GHSA-9999-bbbb-0001", "modified": "2026-11-19T00:00:00Z",
         "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
           "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}],
         "database_specific": {"severity": "MODERATE"}}
        """);
    sbom = tmp.resolve("app.cdx.json");
    Files.writeString(
        sbom,
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"type": "library", "name": "openssl", "version": "3.0.11-1~deb12u2",
           "purl": "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"},
          {"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"}]}
        """);
  }

  @Test
  void importStatusScan_endToEnd() throws Exception {
    Run i = CliTest.run(home, "vuln", "db", "import", osv.toString());
    assertThat(i.code()).as(i.err()).isZero();
    assertThat(i.out())
        .startsWith(
            "imported " + osv + ": 2 entries (2 new, 0 newer) (Debian:12 1, npm 1), sha256:");
    Run again = CliTest.run(home, "vuln", "db", "import", osv.toString());
    assertThat(again.out()).contains("already imported on").contains("nothing changed");

    Run st = CliTest.run(home, "vuln", "db", "status", "-o", "json");
    assertThat(st.code()).isZero();
    Map<String, Object> m = Json.parseObject(st.out());
    assertThat(m.get("newestModified")).isEqualTo("2026-11-20T10:00:00Z");
    assertThat((List<?>) m.get("imports")).hasSize(1);
    assertThat(m.get("entries")).isEqualTo(Map.of("Debian", 1L, "npm", 1L));

    Run fail = CliTest.run(home, "vuln", "scan", sbom.toString(), "--max-db-age", "999999d");
    assertThat(fail.code()).as(fail.err()).isEqualTo(1);
    assertThat(fail.out())
        .containsPattern("(?m)^critical 9.8 +DEBIAN-CVE-2099-0001 +openssl")
        .contains("2 findings in 2 components (1 critical, 1 medium); gate at high: FAILED");
    assertThat(fail.err()).doesNotContain("warning");

    Run pass =
        CliTest.run(
            home,
            "vuln",
            "scan",
            sbom.toString(),
            "--fail-on",
            "critical",
            "--max-db-age",
            "999999d",
            "--waivers",
            waivers("2099-01-01").toString());
    assertThat(pass.code()).as(pass.err()).isZero();
    assertThat(pass.out()).contains("1 waived").contains("gate at critical: passed");
  }

  private Path waivers(String expires) throws Exception {
    Path w = tmp.resolve("waivers-" + expires + ".yaml");
    Files.writeString(
        w,
        "waivers:\n  - id: CVE-2099-0001\n    package: pkg:deb/debian/openssl*\n    reason: not reachable\n    expires: "
            + expires
            + "\n");
    return w;
  }

  @Test
  void expiredWaiver_andStaleData_areReportedOnStderr() throws Exception {
    CliTest.run(home, "vuln", "db", "import", osv.toString());
    Run r =
        CliTest.run(
            home,
            "vuln",
            "scan",
            sbom.toString(),
            "--fail-on",
            "critical",
            "--waivers",
            waivers("2026-01-01").toString(),
            "--max-db-age",
            "1m");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("cairn: the waiver of DEBIAN-CVE-2099-0001 has expired; it no longer waives")
        .contains("cairn: warning: the vulnerability data is ")
        .contains("older than --max-db-age 1m; import a newer OSV export");
  }

  @Test
  void sarifAndPredicate_areWritten() throws Exception {
    CliTest.run(home, "vuln", "db", "import", osv.toString());
    Path pred = tmp.resolve("gate.json");
    Run r =
        CliTest.run(
            home,
            "vuln",
            "scan",
            sbom.toString(),
            "-o",
            "sarif",
            "--predicate-file",
            pred.toString());
    assertThat(r.code()).isEqualTo(1);
    Map<String, Object> sarif = Json.parseObject(r.out());
    assertThat(sarif.get("version")).isEqualTo("2.1.0");
    Map<String, Object> p = Json.parseObject(Files.readString(pred));
    assertThat(p.get("passed")).isEqualTo(false);
    assertThat(((Map<?, ?>) p.get("sbom")).get("name")).isEqualTo(sbom.toString());
  }

  @Test
  void inputErrors_exitTwoWithAHint() throws Exception {
    Path missing = tmp.resolve("missing.cdx.json");
    Run image = CliTest.run(home, "vuln", "scan", missing.toString());
    assertThat(image.code()).isEqualTo(2);
    assertThat(image.err())
        .isEqualTo(
            "cairn: "
                + missing
                + " is not an SBOM file (no such file) nor an image reference\n"
                + "  perhaps you should give an SBOM file (cairn sbom IMAGE -o cyclonedx-json), or"
                + " an image as registry/repository:tag or @sha256:<digest>\n");
    Run flags = CliTest.run(home, "vuln", "scan", sbom.toString(), "--plain-http");
    assertThat(flags.code()).isEqualTo(2);
    assertThat(flags.err()).contains("registry and trust options are for an image");
    Run empty = CliTest.run(home, "vuln", "scan", sbom.toString());
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err())
        .contains("the vulnerability database is empty")
        .contains("perhaps you should import OSV exports first");
    Run sev = CliTest.run(home, "vuln", "scan", sbom.toString(), "--fail-on", "severe");
    assertThat(sev.code()).isEqualTo(2);
    assertThat(sev.err()).contains("unknown severity 'severe'");
    Run age = CliTest.run(home, "vuln", "scan", sbom.toString(), "--max-db-age", "a week");
    assertThat(age.code()).isEqualTo(2);
    assertThat(age.err()).contains("cannot read age 'a week'");
    Files.writeString(osv.resolve("bad.json"), "{\"id\": \"X\"}");
    Run bad = CliTest.run(home, "vuln", "db", "import", osv.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .startsWith("cairn: " + osv.resolve("bad.json") + ": X: an OSV entry needs 'modified'\n");
  }
}
