package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn audit export} and {@code cairn verify BUNDLE} end to end: a real certification of a
 * snapshot, its bundle exported (progress on stderr, the path on stdout) and verified offline (text
 * and {@code -o json}, exit 0), then a tampered report (exit 1, the file named), and options that
 * are not for a bundle (exit 2).
 */
class AuditCommandIT {
  @TempDir Path tmp;

  @Test
  void exportThenVerify_passes_andATamperedReportFailsNamingIt() throws Exception {
    Path home = tmp.resolve("home");
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-audit", "good"));
    Path cert = certs.resolve("shop.cert.json");
    CliTest.Run c =
        CliTest.run(
            home,
            "certify",
            "--snapshot",
            tmp.resolve("good.json").toString(),
            "--framework",
            "pss-restricted",
            "--output-file",
            cert.toString());
    assertThat(c.code()).as(c.out() + c.err()).isZero();
    assertThat(CliTest.run(home, "trust", "allow-snapshots").code()).isZero();

    Path out = tmp.resolve("audit");
    CliTest.Run e =
        CliTest.run(
            home,
            "audit",
            "export",
            "--cluster",
            cert.toString(),
            "--since",
            "2026-01-01",
            "--certificates",
            certs.toString(),
            "-o",
            out.toString());
    assertThat(e.code()).as(e.out() + e.err()).isZero();
    assertThat(e.out().strip()).isEqualTo(out.toAbsolutePath().toString());
    assertThat(e.err())
        .contains("cairn audit: adding certificate sha256:")
        .contains(
            "1 certificate(s), 0 deploy revision(s), 0 image(s) with provenance; manifest sha256:");

    CliTest.Run v = CliTest.run(home, "verify", out.toString());
    assertThat(v.code()).as(v.out() + v.err()).isZero();
    assertThat(v.out())
        .startsWith("VERIFIED audit bundle ")
        .contains("(the bundle's own: compare it with the one your organisation publishes")
        .contains(": valid (valid until ");

    CliTest.Run j = CliTest.run(home, "verify", out.toString(), "-o", "json");
    assertThat(j.code()).isZero();
    Map<String, Object> doc = Json.parseObject(j.out());
    assertThat(doc)
        .containsEntry("kind", "audit-bundle")
        .containsEntry("verified", true)
        .containsEntry("failures", List.of());
    assertThat(doc.keySet())
        .containsExactly(
            "kind",
            "verified",
            "bundle",
            "cluster",
            "manifest",
            "trustRoot",
            "checkpoint",
            "certificates",
            "revisions",
            "images",
            "failures");

    CliTest.Run wrong = CliTest.run(home, "verify", out.toString(), "--ledger", "none");
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(wrong.err()).contains("--ledger is not for an audit bundle");

    Path report;
    try (Stream<Path> s = Files.list(out.resolve("certificates"))) {
      report = s.filter(p -> p.toString().endsWith(".report.json")).findFirst().orElseThrow();
    }
    byte[] raw = Files.readAllBytes(report);
    raw[raw.length / 2] = (byte) (raw[raw.length / 2] == 'a' ? 'b' : 'a');
    Files.write(report, raw);
    CliTest.Run t = CliTest.run(home, "verify", out.toString());
    assertThat(t.code()).isEqualTo(1);
    assertThat(t.out())
        .startsWith("NOT VERIFIED audit bundle ")
        .contains("  manifest digest: certificates/" + report.getFileName() + ": its SHA-256 is ");
    Map<String, Object> tj =
        Json.parseObject(CliTest.run(home, "verify", out.toString(), "-o", "json").out());
    assertThat(tj).containsEntry("verified", false);
    assertThat(tj.get("failures").toString()).contains("link=manifest digest");
  }

  @Test
  void export_withoutSince_isAUsageError() {
    CliTest.Run r = CliTest.run(tmp.resolve("home"), "audit", "export", "--cluster", "abcdef12");
    assertThat(r.code()).isEqualTo(2);
    CliTest.Run d =
        CliTest.run(
            tmp.resolve("home"),
            "audit",
            "export",
            "--cluster",
            "abcdef12",
            "--since",
            "yesterday");
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err()).contains("--since yesterday is not a date or time");
  }
}
