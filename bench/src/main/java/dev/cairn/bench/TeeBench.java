package dev.cairn.bench;

import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.intel.IntelCollateral;
import dev.cairn.attest.tee.intel.IntelPolicy;
import dev.cairn.attest.tee.intel.IntelQuotes;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Verifications per second of recorded Intel evidence: parse the quote and run every verification
 * step (certificate and CRL parsing, chain, four ECDSA P-256 verifications, TCB evaluation) from
 * the raw bytes each time, one thread. Collateral is read from files once. Prints the median, min
 * and max of [rounds] rounds of [seconds] each after one warm-up round. Run: bench/run tee [rounds]
 * [seconds] (from the repository root; vectors in cairn-attest/src/test/resources/tee-vectors/).
 */
public final class TeeBench {
  private TeeBench() {}

  private record Case(String name, String dir, String quote, String at, boolean sampleRoot) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    Path vectors = Path.of("cairn-attest/src/test/resources/tee-vectors");
    List<Case> cases =
        List.of(
            new Case("sgx dcap v3", "sgx-dcap-v3", "quote.dat", "2020-01-01T00:00:00Z", true),
            new Case(
                "tdx v4 prod",
                "tdx-v4-prod",
                "tdx_prod_quote_SPR_E4.dat",
                "2023-06-20T00:00:00Z",
                false),
            new Case(
                "tdx v5 td1.5",
                "tdx-v5-sample",
                "quote_v5_sample.dat",
                "2026-02-10T00:00:00Z",
                false));
    System.out.printf(
        "%-14s %-10s %12s %12s %12s%n", "evidence", "result", "median/s", "min/s", "max/s");
    for (Case c : cases) {
      Path dir = vectors.resolve(c.dir());
      byte[] quote = Files.readAllBytes(dir.resolve(c.quote()));
      IntelCollateral collateral = IntelCollateral.load(dir);
      IntelPolicy policy = IntelPolicy.defaults(Instant.parse(c.at()));
      if (c.sampleRoot()) {
        policy =
            policy.withTrustRoot(
                (X509Certificate)
                    CertificateFactory.getInstance("X.509")
                        .generateCertificate(
                            new ByteArrayInputStream(
                                Files.readAllBytes(dir.resolve("trustedRootCaCert.pem")))));
      } else {
        policy = policy.acceptingUnverifiable(IntelQuotes.OPTIONAL_STEPS);
      }
      String result = "";
      List<Double> rates = new ArrayList<>();
      for (int r = 0; r <= rounds; r++) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        int n = 0;
        while (System.nanoTime() < end) {
          TeeVerification v = IntelQuotes.verify(IntelQuotes.parse(quote), collateral, policy);
          result = v instanceof TeeVerification.Failed f ? "fails:" + f.step() : "verified";
          n++;
        }
        if (r > 0) {
          rates.add(n / ((System.nanoTime() - start) / 1e9));
        }
      }
      Collections.sort(rates);
      System.out.printf(
          "%-14s %-10s %12.0f %12.0f %12.0f%n",
          c.name(),
          result.length() > 10 ? result.substring(0, 10) : result,
          rates.get(rates.size() / 2),
          rates.get(0),
          rates.get(rates.size() - 1));
    }
  }
}
