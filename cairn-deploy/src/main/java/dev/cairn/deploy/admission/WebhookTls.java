package dev.cairn.deploy.admission;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.Text;
import dev.cairn.deploy.admission.internal.Pki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The webhook's TLS material in one directory: its own CA ({@code ca.crt}, {@code ca.key}), which
 * the ValidatingWebhookConfiguration's {@code caBundle} names, and a serving certificate for the
 * webhook's hosts signed by it ({@code tls.crt}, {@code tls.key}). Made on first use (keys readable
 * by the owner only, written atomically); the serving certificate is made again when it is within a
 * day of expiry or does not name a host asked for. The CA is kept, so a rendered configuration
 * stays valid.
 */
public final class WebhookTls {
  /** How long a CA made here is valid. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** How long a serving certificate made here is valid. */
  public static final Duration SERVING_VALIDITY = Duration.ofDays(365);

  private final X509Certificate ca;
  private final X509Certificate serving;
  private final PrivateKey servingKey;

  private WebhookTls(X509Certificate ca, X509Certificate serving, PrivateKey servingKey) {
    this.ca = ca;
    this.serving = serving;
    this.servingKey = servingKey;
  }

  /**
   * Reads the material in {@code dir}, making what is missing.
   *
   * @param hosts the names and IP addresses the serving certificate must hold (the first is its CN)
   * @throws CairnException when the files cannot be read or written, or are not PEM of a
   *     certificate and a P-256 key
   */
  public static WebhookTls loadOrCreate(Path dir, List<String> hosts, Clock clock)
      throws CairnException {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs a host");
    }
    Path caCrt = dir.resolve("ca.crt");
    Path caKey = dir.resolve("ca.key");
    Path tlsCrt = dir.resolve("tls.crt");
    Path tlsKey = dir.resolve("tls.key");
    Instant now = clock.instant();
    try {
      Files.createDirectories(dir);
      X509Certificate ca;
      PrivateKey caPriv;
      if (Files.exists(caCrt) && Files.exists(caKey)) {
        ca = certificate(caCrt);
        caPriv = key(caKey);
      } else {
        KeyPair kp = Pki.p256();
        ca = Pki.ca(kp, "cairn-admission-ca", now, CA_VALIDITY);
        caPriv = kp.getPrivate();
        AtomicFiles.write(caKey, Pki.pem(caPriv).getBytes(StandardCharsets.UTF_8), true);
        AtomicFiles.write(caCrt, Pki.pem(ca));
        Files.deleteIfExists(tlsCrt);
      }
      if (Files.exists(tlsCrt) && Files.exists(tlsKey)) {
        X509Certificate s = certificate(tlsCrt);
        PrivateKey k = key(tlsKey);
        if (s.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(1)))
            && names(s).containsAll(hosts)
            && s.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
          try {
            s.verify(ca.getPublicKey());
            return new WebhookTls(ca, s, k);
          } catch (GeneralSecurityException e) {
            // signed by another CA: make it again below
          }
        }
      }
      KeyPair kp = Pki.p256();
      X509Certificate s = Pki.serving(kp, hosts, ca, caPriv, now, SERVING_VALIDITY);
      AtomicFiles.write(tlsKey, Pki.pem(kp.getPrivate()).getBytes(StandardCharsets.UTF_8), true);
      AtomicFiles.write(tlsCrt, Pki.pem(s));
      return new WebhookTls(ca, s, kp.getPrivate());
    } catch (IOException e) {
      throw new CairnException(
          "cannot keep the webhook's TLS files in " + dir + ": " + Text.describe(e),
          "check that " + dir + " is a writable directory",
          e);
    } catch (GeneralSecurityException e) {
      throw new CairnException(
          "the webhook's TLS files in " + dir + " are unreadable: " + e.getMessage(),
          "remove " + dir + " so that new ones are made, then render the configuration again",
          e);
    }
  }

  private static List<String> names(X509Certificate c) throws GeneralSecurityException {
    var sans = c.getSubjectAlternativeNames();
    if (sans == null) {
      return List.of();
    }
    return sans.stream().map(l -> String.valueOf(l.get(1))).toList();
  }

  private static X509Certificate certificate(Path f) throws IOException, GeneralSecurityException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(f)));
  }

  private static PrivateKey key(Path f) throws IOException, GeneralSecurityException {
    String pem = Files.readString(f);
    String b64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException(f + " is not a PEM PKCS#8 private key");
    }
  }

  /** The CA certificate, PEM: what {@code caBundle} carries (base64 of this text). */
  public String caPem() {
    try {
      return Pki.pem(ca);
    } catch (IOException e) {
      throw new IllegalStateException("PEM of a certificate in memory", e);
    }
  }

  /** The serving certificate. */
  public X509Certificate servingCertificate() {
    return serving;
  }

  /** The CA certificate. */
  public X509Certificate caCertificate() {
    return ca;
  }

  /** An SSL context serving with the serving certificate (and its CA as the chain). */
  public SSLContext serverContext() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "cairn".toCharArray();
      ks.setKeyEntry("tls", servingKey, pw, new X509Certificate[] {serving, ca});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "cannot build the webhook's SSL context: " + e.getMessage(), e);
    }
  }
}
