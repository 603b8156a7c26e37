package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn demo}: scan, certify, verify, tamper, revoke, on embedded defaults. */
class DemoIT {
  @Test
  void demo_runsTheWholeStory(@TempDir Path tmp) {
    CliTest.Run r = CliTest.run("demo", "--dir", tmp.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("CRN-102  FAILED")
        .contains("WAIVED")
        .contains("No certificate: these checks failed in the attested scan")
        .contains("issued for cluster sha256:")
        .contains("VERIFIED certificate")
        .contains("NOT VERIFIED: signature:")
        .contains("NOT VERIFIED: revocation:")
        .containsPattern("== 6\\. The cluster's history on the ledger\\s+Cluster sha256:")
        .containsPattern("\\n0 +sha256:[0-9a-f]{12} .* revoked ")
        // the delivery half: webhook, pipeline, attested sign, image verified, forgery refused
        .contains("signed push webhook: HTTP 202")
        .containsPattern(
            "Run \\S+ succeeded \\(http://127\\.0\\.0\\.1:\\d+/web\\.git at [0-9a-f]{40}\\)")
        .containsPattern("VERIFIED image 127\\.0\\.0\\.1:\\d+/demo/web@sha256:[0-9a-f]{64}")
        .containsPattern(
            "builder https://cairn\\.dev/builder/attested/v1, measurement sha256:[0-9a-f]{64} in TEE"
                + " simulation \\(simulation: no hardware protection\\)")
        .contains("links checked: registry, signature, provenance, builder, source")
        .contains("HTTP 401: refused, no run started; the home holds 1 run");
    assertThat(r.err()).contains("simulation: no hardware protection");
    assertThat(tmp.resolve("report.sarif")).exists();
    assertThat(tmp.resolve("hardened.cert.json")).exists();
  }

  @Test
  void demo_onEthereum_recordsVerifiesAndRevokesOnALocalChain(@TempDir Path tmp) {
    CliTest.Run r = CliTest.run("demo", "--ledger", "ethereum", "--dir", tmp.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Deployed CertificateRegistry at 0x")
        .contains("Granted issuer 0x")
        .containsPattern(
            "recorded on ethereum:http://127\\.0\\.0\\.1:\\d+#0x[0-9a-f]{40} \\(chain 31337")
        .contains(
            "links checked: signature, signing key, statement, attestation, ledger record,"
                + " ledger issuer, expiry, revocation, source")
        .contains("NOT VERIFIED: signature:")
        .contains("NOT VERIFIED: revocation: revoked on chain at");
  }
}
