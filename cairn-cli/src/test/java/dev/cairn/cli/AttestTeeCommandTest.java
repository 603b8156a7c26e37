package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn attest inspect|verify} on the recorded Intel evidence in cairn-attest's tests. */
class AttestTeeCommandTest {
  static final Path VECTORS = Path.of("../cairn-attest/src/test/resources/tee-vectors");

  @TempDir Path home;

  @Test
  void inspect_printsTheTdxFields_textAndJson() throws Exception {
    Path q = VECTORS.resolve("tdx-v4-prod/tdx_prod_quote_SPR_E4.dat");
    Run text = CliTest.run(home, "attest", "inspect", q.toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).startsWith("type: tdx\nversion: 4\n").contains("\nrtmr3: ");
    Run json = CliTest.run(home, "attest", "inspect", q.toString(), "-o", "json");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).contains("\"type\" : \"tdx\"").contains("\"mr-td\" : \"");
  }

  @Test
  void verify_sgxSample_withItsRoot_exit0_withoutIt_exit1AtPckChain() throws Exception {
    Path dir = VECTORS.resolve("sgx-dcap-v3");
    Run ok =
        CliTest.run(
            home,
            "attest",
            "verify",
            dir.resolve("quote.dat").toString(),
            "--collateral",
            dir.toString(),
            "--at",
            "2020-01-01T00:00:00Z",
            "--trust-root",
            dir.resolve("trustedRootCaCert.pem").toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("ok    pck-chain\n").contains("TCB status UpToDate");
    Run no =
        CliTest.run(
            home,
            "attest",
            "verify",
            dir.resolve("quote.dat").toString(),
            "--collateral",
            dir.toString(),
            "--at",
            "2020-01-01T00:00:00Z",
            "-o",
            "json");
    assertThat(no.code()).isEqualTo(1);
    assertThat(no.out())
        .contains("\"step\" : \"pck-chain\"")
        .contains("not signed by the trusted root");
  }

  @Test
  void verify_tdxProd_defaultPolicy_failsClosedWithoutSigningChain() throws Exception {
    Path dir = VECTORS.resolve("tdx-v4-prod");
    Run r =
        CliTest.run(
            home,
            "attest",
            "verify",
            dir.resolve("tdx_prod_quote_SPR_E4.dat").toString(),
            "--collateral",
            dir.toString(),
            "--at",
            "2023-06-20T00:00:00Z");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("FAIL  tcb-info-signature: not verifiable: no signing chain for the TCB info");
    assertThat(r.err()).contains("cairn: verification failed at tcb-info-signature");
  }

  @Test
  void badInput_isOneLineWithOffset() throws Exception {
    byte[] q = Files.readAllBytes(VECTORS.resolve("sgx-dcap-v3/quote.dat"));
    Path cut = home.resolve("cut.dat");
    Files.write(cut, java.util.Arrays.copyOf(q, 500));
    Run r = CliTest.run(home, "attest", "inspect", cut.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("cairn: Intel quote: signature-data at offset 436: needs ")
        .contains("perhaps you should pass the raw quote");
    byte[] snp = new byte[1184];
    snp[0] = 2;
    Path s = home.resolve("report.bin");
    Files.write(s, snp);
    Run n = CliTest.run(home, "attest", "inspect", s.toString());
    assertThat(n.code()).isEqualTo(2);
    assertThat(n.err()).startsWith("cairn: " + s + ": SEV-SNP").contains(" at offset ");
    assertThat(n.err().strip().lines()).hasSizeLessThanOrEqualTo(2);
    Run at =
        CliTest.run(
            home,
            "attest",
            "verify",
            cut.toString(),
            "--collateral",
            home.toString(),
            "--at",
            "yesterday");
    assertThat(at.code()).isEqualTo(2);
    assertThat(at.err()).contains("--at yesterday: not a time");
  }

  @Test
  void snpReports_areInspectedAndVerified_aDebugGuestOnlyWhenAllowed() throws Exception {
    Path milan = VECTORS.resolve("sev-snp-milan");
    Path report = milan.resolve("attestation.bin");
    Run i = CliTest.run(home, "attest", "inspect", report.toString(), "-o", "json");
    assertThat(i.code()).as(i.err()).isZero();
    assertThat(i.out()).contains("\"type\" : \"sev-snp\"");
    Path collateral = home.resolve("snp-collateral");
    Files.createDirectories(collateral);
    Files.copy(milan.resolve("vcek.der"), collateral.resolve("vcek.der"));
    Files.copy(milan.resolve("ask_ark_milan.pem"), collateral.resolve("ask_ark_milan.pem"));
    String[] verify = {
      "attest",
      "verify",
      report.toString(),
      "--collateral",
      collateral.toString(),
      "--at",
      "2025-06-01T00:00:00Z"
    };
    Run strict = CliTest.run(home, verify);
    assertThat(strict.code()).as(strict.out() + strict.err()).isEqualTo(1);
    assertThat(strict.out()).contains("FAIL  policy: the guest policy allows debugging");
    String[] allowing = java.util.Arrays.copyOf(verify, verify.length + 1);
    allowing[verify.length] = "--allow-debug";
    Run ok = CliTest.run(home, allowing);
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("ok    vcek-chain").contains("verified: sev-snp ");
  }
}
