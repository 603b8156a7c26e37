package dev.cairn.attest.tee.snp.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.jspecify.annotations.Nullable;

/** X.509 reading for the SEV-SNP chain: certificates from DER or PEM, AMD's KDS extensions. */
public final class Certs {
  private Certs() {}

  /** Exactly one certificate, DER or PEM. */
  public static X509Certificate one(byte[] derOrPem) throws GeneralSecurityException {
    List<X509Certificate> all = all(derOrPem);
    if (all.size() != 1) {
      throw new CertificateException("expected one certificate, found " + all.size());
    }
    return all.get(0);
  }

  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";

  /**
   * Every certificate in a DER certificate or a PEM bundle. Each is decoded on its own with {@code
   * generateCertificate}: the JDK's {@code generateCertificates} tries PKCS#7 first and is some 80
   * times slower.
   */
  public static List<X509Certificate> all(byte[] derOrPem) throws GeneralSecurityException {
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      String text = new String(derOrPem, StandardCharsets.ISO_8859_1);
      int at = text.indexOf(BEGIN);
      if (at < 0) {
        ByteArrayInputStream in = new ByteArrayInputStream(derOrPem);
        out.add((X509Certificate) f.generateCertificate(in));
        if (in.available() != 0) {
          throw new CertificateException(in.available() + " bytes after the certificate");
        }
        return out;
      }
      while (at >= 0) {
        int end = text.indexOf(END, at);
        if (end < 0) {
          throw new CertificateException("PEM certificate without its END line");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(at + BEGIN.length(), end));
        out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
        at = text.indexOf(BEGIN, end);
      }
      return out;
    } catch (RuntimeException e) {
      // the JDK's parser (and Base64) throw unchecked exceptions on some corrupt encodings
      throw new CertificateException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  public static boolean selfIssued(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  public static boolean sameEncoding(X509Certificate a, X509Certificate b) {
    try {
      return Arrays.equals(a.getEncoded(), b.getEncoded());
    } catch (CertificateException e) {
      return false;
    }
  }

  /** {@code CN=...} of a name, or the whole name when it has no CN. */
  public static String cn(X500Principal p) {
    for (String part : p.getName(X500Principal.RFC2253).split(",")) {
      if (part.startsWith("CN=")) {
        return part;
      }
    }
    return p.getName();
  }

  /** The extension's extnValue, or null when absent. */
  private static byte @Nullable [] value(X509Certificate c, String oid)
      throws GeneralSecurityException {
    byte[] wrapped = c.getExtensionValue(oid);
    if (wrapped == null) {
      return null;
    }
    try {
      return ASN1OctetString.getInstance(wrapped).getOctets();
    } catch (RuntimeException e) {
      throw new CertificateException("extension " + oid + " is not DER: " + e.getMessage(), e);
    }
  }

  private static ASN1Primitive der(byte[] v, String oid) throws GeneralSecurityException {
    try {
      return ASN1Primitive.fromByteArray(v);
    } catch (IOException | RuntimeException e) {
      throw new CertificateException("extension " + oid + " is not DER: " + e.getMessage(), e);
    }
  }

  /** An INTEGER extension 0-255 (AMD's SPLs), or null when absent. */
  public static @Nullable Integer intExtension(X509Certificate c, String oid)
      throws GeneralSecurityException {
    byte[] v = value(c, oid);
    if (v == null) {
      return null;
    }
    if (!(der(v, oid) instanceof ASN1Integer i)
        || i.getValue().signum() < 0
        || i.getValue().bitLength() > 8) {
      throw new CertificateException("extension " + oid + " is not an INTEGER 0-255");
    }
    return i.intValueExact();
  }

  /** An IA5String extension (AMD's productName), or null when absent. */
  public static @Nullable String ia5Extension(X509Certificate c, String oid)
      throws GeneralSecurityException {
    byte[] v = value(c, oid);
    if (v == null) {
      return null;
    }
    if (!(der(v, oid) instanceof ASN1IA5String s)) {
      throw new CertificateException("extension " + oid + " is not an IA5String");
    }
    return s.getString();
  }

  /**
   * AMD's hwID: {@code size} bytes, which the KDS puts in the extension value untagged; an OCTET
   * STRING of that size is accepted too.
   */
  public static byte @Nullable [] rawOctetExtension(X509Certificate c, String oid, int size)
      throws GeneralSecurityException {
    byte[] v = value(c, oid);
    if (v == null) {
      return null;
    }
    if (v.length == size) {
      return v;
    }
    if (der(v, oid) instanceof ASN1OctetString o && o.getOctets().length == size) {
      return o.getOctets();
    }
    throw new CertificateException("extension " + oid + " is not " + size + " bytes");
  }
}
