package dev.cairn.attest.tee.snp;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test "AMD": its own ARK and ASK (RSA, RSA-PSS SHA-384 as AMD signs) and a chip whose VCEK (or
 * VLEK) carries AMD's KDS extensions, signing reports built from the Milan vector. Lets the tests
 * reach the steps after the signature (reported TCB, chip id, VLEK) with reports that verify.
 */
public final class TestChip {
  static final org.bouncycastle.jce.provider.BouncyCastleProvider BC =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();
  static final String KDS = "1.3.6.1.4.1.3704.1.";
  static final Instant NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");

  final X509Certificate ark;
  final X509Certificate ask;
  final X509Certificate endorsementKey;
  private final PrivateKey ekKey;
  final byte[] hwid = new byte[64];
  final SnpTcb tcb;
  final boolean vlek;

  public TestChip(SnpTcb tcb, boolean vlek) throws Exception {
    this.tcb = tcb;
    this.vlek = vlek;
    for (int i = 0; i < 64; i++) {
      hwid[i] = (byte) (0xa0 + i);
    }
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair arkKeys = rsa.generateKeyPair();
    KeyPair askKeys = rsa.generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair ekKeys = ec.generateKeyPair();
    ekKey = ekKeys.getPrivate();
    X500Name arkName = new X500Name("CN=ARK-Test,O=Cairn Test");
    X500Name askName =
        new X500Name(vlek ? "CN=SEV-VLEK-Test,O=Cairn Test" : "CN=SEV-Test,O=Cairn Test");
    ark = ca(arkName, arkName, arkKeys.getPublic(), arkKeys.getPrivate());
    ask = ca(askName, arkName, askKeys.getPublic(), arkKeys.getPrivate());
    X509v3CertificateBuilder b =
        builder(
            askName,
            new X500Name(vlek ? "CN=SEV-VLEK,O=Cairn Test" : "CN=SEV-VCEK,O=Cairn Test"),
            ekKeys.getPublic());
    b.addExtension(new ASN1ObjectIdentifier(KDS + "1"), false, new ASN1Integer(1));
    b.addExtension(new ASN1ObjectIdentifier(KDS + "2"), false, new DERIA5String("Milan-B0"));
    b.addExtension(new ASN1ObjectIdentifier(KDS + "3.1"), false, new ASN1Integer(tcb.bootloader()));
    b.addExtension(new ASN1ObjectIdentifier(KDS + "3.2"), false, new ASN1Integer(tcb.tee()));
    for (int i = 4; i <= 7; i++) {
      b.addExtension(
          new ASN1ObjectIdentifier(KDS + "3." + i), false, new ASN1Integer(tcb.part(i - 2)));
    }
    b.addExtension(new ASN1ObjectIdentifier(KDS + "3.3"), false, new ASN1Integer(tcb.snp()));
    b.addExtension(new ASN1ObjectIdentifier(KDS + "3.8"), false, new ASN1Integer(tcb.microcode()));
    if (vlek) {
      b.addExtension(new ASN1ObjectIdentifier(KDS + "5"), false, new DERIA5String("test-cloud"));
    } else {
      // untagged, as AMD's KDS writes it
      b.addExtension(new ASN1ObjectIdentifier(KDS + "4"), false, hwid.clone());
    }
    endorsementKey = sign(b, askKeys.getPrivate());
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.ONE,
        Date.from(NOT_BEFORE),
        Date.from(NOT_BEFORE.plus(3650, ChronoUnit.DAYS)),
        subject,
        key);
  }

  private static X509Certificate ca(
      X500Name subject, X500Name issuer, PublicKey key, PrivateKey signer) throws Exception {
    X509v3CertificateBuilder b = builder(issuer, subject, key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    return sign(b, signer);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(
                new JcaContentSignerBuilder("SHA384withRSAandMGF1").setProvider(BC).build(signer)));
  }

  /** The Milan vector with a non-debug policy, this chip's id and TCB, signed by this chip. */
  byte[] report() throws Exception {
    byte[] b = Vectors.report();
    b[0x0A] = 0x03; // POLICY: SMT + the reserved 1, no debug
    b[0x48] = (byte) (vlek ? 1 << 2 : 0);
    System.arraycopy(hwid, 0, b, 0x1A0, 64);
    for (int i = 0; i < 8; i++) {
      b[0x180 + i] = (byte) tcb.part(i);
    }
    return sign(b);
  }

  /** A report binding {@code reportData} at {@code vmpl}, signed by this chip. */
  public byte[] report(byte[] reportData, int vmpl) throws Exception {
    byte[] b = report();
    System.arraycopy(reportData, 0, b, 0x50, 64);
    b[0x30] = (byte) vmpl;
    return sign(b);
  }

  /** The GHCB certificate table (configfs-tsm auxblob) holding this chip's VCEK, ASK and ARK. */
  public byte[] certTable() throws Exception {
    byte[][] certs = {endorsementKey.getEncoded(), ask.getEncoded(), ark.getEncoded()};
    String[] guids = {
      vlek ? SnpCollateral.VLEK_GUID : SnpCollateral.VCEK_GUID,
      SnpCollateral.ASK_GUID,
      SnpCollateral.ARK_GUID
    };
    int header = 24 * (certs.length + 1);
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    java.nio.ByteBuffer table =
        java.nio.ByteBuffer.allocate(header).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < certs.length; i++) {
      table.put(java.util.HexFormat.of().parseHex(guids[i]));
      table.putInt(header + body.size());
      table.putInt(certs[i].length);
      body.write(certs[i]);
    }
    return java.nio.ByteBuffer.allocate(header + body.size())
        .put(table.array())
        .put(body.toByteArray())
        .array();
  }

  /** Signs bytes 0x000-0x29F of {@code b} in place, writing R and S little-endian. */
  byte[] sign(byte[] b) throws Exception {
    Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
    s.initSign(ekKey);
    s.update(b, 0, SnpReport.SIGNED_LENGTH);
    byte[] rs = s.sign();
    java.util.Arrays.fill(b, 0x2A0, SnpReport.SIZE, (byte) 0);
    for (int i = 0; i < 48; i++) {
      b[0x2A0 + i] = rs[47 - i];
      b[0x2E8 + i] = rs[95 - i];
    }
    return b;
  }

  public SnpVerifier verifier() {
    return SnpVerifier.builder().trustRoot(ark).build();
  }

  SnpCollateral collateral() throws Exception {
    return new SnpCollateral(
        endorsementKey.getEncoded(), java.util.List.of(ask.getEncoded(), ark.getEncoded()));
  }
}
