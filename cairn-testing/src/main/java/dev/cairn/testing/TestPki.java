package dev.cairn.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed certificates, PEM files and bcrypt password files for test servers, made in Java
 * (BouncyCastle) so that no {@code openssl} or {@code htpasswd} binary is needed.
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestPki() {}

  /** A key pair and its self-signed certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    /** An SSL context that serves with this certificate. */
    public SSLContext serverContext() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "x".toCharArray();
        ks.setKeyEntry("k", keys.getPrivate(), pw, new X509Certificate[] {certificate});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", certificate);
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
        return ctx;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build an SSL context: " + e.getMessage(), e);
      }
    }
  }

  /** An ECDSA P-256 key pair. */
  public static KeyPair ecP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has P-256", e);
    }
  }

  /**
   * A self-signed CA certificate for {@code cn}, valid for a day, with subject alternative name
   * {@code IP:127.0.0.1} and {@code DNS:localhost}, usable to serve TLS on loopback and to sign.
   */
  public static Issued selfSigned(String cn) {
    KeyPair kp = ecP256();
    try {
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=" + cn);
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, RANDOM).add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new Issued(kp, cert);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make a test certificate: " + e.getMessage(), e);
    }
  }

  /**
   * PEM text of a certificate, key or public key; a private key as PKCS#8 ({@code PRIVATE KEY}),
   * which Go's TLS reads for every key type.
   */
  public static String pem(Object o) {
    if (o instanceof java.security.PrivateKey k) {
      return "-----BEGIN PRIVATE KEY-----\n"
          + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(k.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    }
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  /** Writes PEM text to {@code file}, readable by its owner only. */
  public static Path writePem(Path file, Object o) throws IOException {
    Files.writeString(file, pem(o), StandardCharsets.US_ASCII);
    setOwnerOnly(file);
    return file;
  }

  /** One {@code user:$2y$...} line of an htpasswd file (bcrypt, cost 5 as {@code htpasswd -B}). */
  public static String htpasswdLine(String user, String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5) + "\n";
  }

  /** A random password of letters and digits. */
  public static String randomPassword() {
    String abc = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      b.append(abc.charAt(RANDOM.nextInt(abc.length())));
    }
    return b.toString();
  }

  static void setOwnerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to tighten
    }
  }
}
