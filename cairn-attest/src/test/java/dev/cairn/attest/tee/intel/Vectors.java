package dev.cairn.attest.tee.intel;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/** The recorded Intel evidence in src/test/resources/tee-vectors/ (see SOURCES.md there). */
enum Vectors {
  SGX_DCAP_V3("sgx-dcap-v3", "quote.dat", "2020-01-01T00:00:00Z", true),
  TDX_V4_INTEL_SAMPLE("tdx-v4-intel-sample", "quote.dat", "2022-01-01T00:00:00Z", true),
  TDX_V4_PROD("tdx-v4-prod", "tdx_prod_quote_SPR_E4.dat", "2023-06-20T00:00:00Z", false),
  TDX_V5_SAMPLE("tdx-v5-sample", "quote_v5_sample.dat", "2026-02-10T00:00:00Z", false);

  final String dir;
  final String quoteFile;
  final Instant at;

  /** Intel's sample collateral, chained to Intel's sample root (given explicitly). */
  final boolean sampleRoot;

  Vectors(String dir, String quoteFile, String at, boolean sampleRoot) {
    this.dir = dir;
    this.quoteFile = quoteFile;
    this.at = Instant.parse(at);
    this.sampleRoot = sampleRoot;
  }

  Path dir() {
    try {
      return Path.of(
          Objects.requireNonNull(Vectors.class.getResource("/tee-vectors/" + dir)).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] quote() throws IOException {
    return Files.readAllBytes(dir().resolve(quoteFile));
  }

  X509Certificate sampleRootCert() throws Exception {
    return dev.cairn.attest.tee.intel.internal.Certs.parseAll(
            Files.readAllBytes(dir().resolve("trustedRootCaCert.pem")))
        .get(0);
  }

  /** The policy that lets this vector verify as far as its files allow. */
  IntelPolicy policy() throws Exception {
    IntelPolicy p = IntelPolicy.defaults(at);
    if (sampleRoot) {
      return p.withTrustRoot(sampleRootCert());
    }
    return p.acceptingUnverifiable(IntelQuotes.OPTIONAL_STEPS);
  }
}
