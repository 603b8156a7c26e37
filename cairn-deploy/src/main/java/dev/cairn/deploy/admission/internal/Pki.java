package dev.cairn.deploy.admission.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A P-256 CA and a serving certificate it signs, as PEM. */
public final class Pki {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Pki() {}

  public static KeyPair p256() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  /** A self-signed CA certificate, valid from {@code now - 5 min} for {@code validity}. */
  public static X509Certificate ca(KeyPair kp, String cn, Instant now, Duration validity)
      throws GeneralSecurityException {
    X500Name name = new X500Name("CN=" + cn);
    try {
      X509v3CertificateBuilder b = builder(name, name, kp, now, validity);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return sign(b, kp.getPrivate());
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot make a CA certificate: " + e.getMessage(), e);
    }
  }

  /**
   * A serving certificate for {@code hosts} (IP addresses become IP SANs, anything else DNS SANs),
   * signed by the CA.
   */
  public static X509Certificate serving(
      KeyPair kp,
      List<String> hosts,
      X509Certificate caCert,
      PrivateKey caKey,
      Instant now,
      Duration validity)
      throws GeneralSecurityException {
    X500Name issuer = X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
    try {
      X509v3CertificateBuilder b =
          builder(new X500Name("CN=" + hosts.getFirst()), issuer, kp, now, validity);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      List<GeneralName> names = new ArrayList<>();
      for (String h : hosts) {
        names.add(
            new GeneralName(
                h.matches("[0-9.]+") || h.contains(":")
                    ? GeneralName.iPAddress
                    : GeneralName.dNSName,
                h));
      }
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      return sign(b, caKey);
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot make a serving certificate: " + e.getMessage(), e);
    }
  }

  private static X509v3CertificateBuilder builder(
      X500Name subject, X500Name issuer, KeyPair kp, Instant now, Duration validity) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(validity)),
        subject,
        kp.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  /** PEM of a certificate or a private key (PKCS#8). */
  public static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(
          o instanceof PrivateKey k
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
              : o);
    }
    return w.toString();
  }
}
