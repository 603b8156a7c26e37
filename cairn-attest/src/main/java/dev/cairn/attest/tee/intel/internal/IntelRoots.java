package dev.cairn.attest.tee.intel.internal;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/** The Intel SGX Root CA (production), pinned: never taken from collateral. */
public final class IntelRoots {
  /** SHA-256 fingerprint of the DER of Intel's production SGX Root CA. */
  public static final String PRODUCTION_FINGERPRINT =
      "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

  private static final String PRODUCTION_PEM =
      """
      -----BEGIN CERTIFICATE-----
      MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIw
      aDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENv
      cnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ
      BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgG
      A1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0
      aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT
      AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi7
      1OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOB
      uzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ
      MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50
      ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SV
      Ur9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI
      KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwg
      AiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=
      -----END CERTIFICATE-----
      """;

  private static final X509Certificate PRODUCTION = load();

  private IntelRoots() {}

  public static X509Certificate production() {
    return PRODUCTION;
  }

  private static X509Certificate load() {
    try {
      X509Certificate c = Certs.parseAll(PRODUCTION_PEM.getBytes(StandardCharsets.US_ASCII)).get(0);
      if (!Certs.fingerprint(c).equals(PRODUCTION_FINGERPRINT)) {
        throw new IllegalStateException(
            "the pinned Intel SGX Root CA does not match its fingerprint");
      }
      return c;
    } catch (CertificateException e) {
      throw new IllegalStateException("the pinned Intel SGX Root CA does not parse", e);
    }
  }
}
