package dev.cairn.attest.tee.intel.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/** Certificates, CRLs and raw ECDSA P-256 signatures as Intel's collateral carries them. */
public final class Certs {
  /** SubjectPublicKeyInfo prefix of an uncompressed P-256 point (id-ecPublicKey, prime256v1). */
  private static final byte[] P256_SPKI_PREFIX =
      HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

  private Certs() {}

  /** Every certificate in concatenated PEM or DER, in order. */
  public static List<X509Certificate> parseAll(byte[] data) throws CertificateException {
    int end = data.length;
    while (end > 0 && data[end - 1] == 0) {
      end--; // PEM certification data is often NUL-terminated
    }
    Collection<? extends java.security.cert.Certificate> certs =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(data, 0, end));
    List<X509Certificate> out = new ArrayList<>();
    for (java.security.cert.Certificate c : certs) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new CertificateException("no certificate found");
    }
    return out;
  }

  /** A CRL in DER, PEM, or hex-encoded DER (as Intel's PCS serves it). */
  public static X509CRL parseCrl(byte[] data) throws CRLException, CertificateException {
    byte[] der = data;
    String text = new String(data, StandardCharsets.US_ASCII).strip();
    if (!text.isEmpty() && text.length() % 2 == 0 && text.matches("[0-9a-fA-F]+")) {
      der = HexFormat.of().parseHex(text);
    }
    return (X509CRL)
        CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
  }

  /** The P-256 public key whose x and y (32 bytes each) are {@code xy}. */
  public static PublicKey p256(byte[] xy) throws GeneralSecurityException {
    byte[] spki = Arrays.copyOf(P256_SPKI_PREFIX, P256_SPKI_PREFIX.length + 1 + xy.length);
    spki[P256_SPKI_PREFIX.length] = 4;
    System.arraycopy(xy, 0, spki, P256_SPKI_PREFIX.length + 1, xy.length);
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
  }

  /** Whether {@code rs} (r and s, 32 bytes each) is an ECDSA SHA-256 signature of {@code data}. */
  public static boolean verifyRaw(PublicKey key, byte[] data, byte[] rs) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initVerify(key);
      s.update(data);
      return s.verify(rs);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  public static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String name(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  /**
   * The chain from the leaf of {@code certs} (the one certificate that issued none of the others;
   * Intel's collateral comes leaf-first or root-first) to {@code root}, built by issuer name and
   * checked by signature, CA constraints and validity at {@code at}.
   *
   * @throws GeneralSecurityException with a one-line message naming the link that broke
   */
  public static List<X509Certificate> chain(
      List<X509Certificate> certs, X509Certificate root, Instant at)
      throws GeneralSecurityException {
    List<X509Certificate> chain = new ArrayList<>();
    X509Certificate cur = leaf(certs);
    chain.add(cur);
    for (int depth = 0; ; depth++) {
      if (depth > 4) {
        throw new GeneralSecurityException(
            "the chain from '" + name(chain.get(0)) + "' is too long");
      }
      if (cur.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
        try {
          cur.verify(root.getPublicKey());
        } catch (GeneralSecurityException e) {
          throw new GeneralSecurityException(
              "'"
                  + name(cur)
                  + "' is not signed by the trusted root (sha256 fingerprint "
                  + fingerprint(root)
                  + ")"
                  + rootHint(certs, root));
        }
        if (!Arrays.equals(cur.getEncoded(), root.getEncoded())) {
          chain.add(root);
        }
        break;
      }
      X509Certificate issuer = null;
      for (X509Certificate c : certs) {
        if (c != cur && c.getSubjectX500Principal().equals(cur.getIssuerX500Principal())) {
          issuer = c;
        }
      }
      if (issuer == null) {
        throw new GeneralSecurityException(
            "no certificate of '"
                + cur.getIssuerX500Principal().getName()
                + "', the issuer of '"
                + name(cur)
                + "'");
      }
      if (issuer.getSubjectX500Principal().equals(issuer.getIssuerX500Principal())) {
        throw new GeneralSecurityException(
            "the chain ends at '" + name(issuer) + "', which is not the trusted root");
      }
      try {
        cur.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new GeneralSecurityException(
            "the signature of '" + name(cur) + "' does not verify with '" + name(issuer) + "'");
      }
      if (issuer.getBasicConstraints() < 0) {
        throw new GeneralSecurityException("'" + name(issuer) + "' is not a CA certificate");
      }
      chain.add(issuer);
      cur = issuer;
    }
    Date when = Date.from(at);
    for (X509Certificate c : chain) {
      try {
        c.checkValidity(when);
      } catch (CertificateException e) {
        throw new GeneralSecurityException(
            "'"
                + name(c)
                + "' is not valid at "
                + at
                + " (valid "
                + c.getNotBefore().toInstant()
                + " to "
                + c.getNotAfter().toInstant()
                + ")");
      }
    }
    return chain;
  }

  private static X509Certificate leaf(List<X509Certificate> certs) throws GeneralSecurityException {
    List<X509Certificate> leaves = new ArrayList<>();
    for (X509Certificate c : certs) {
      boolean issuedOther = false;
      for (X509Certificate o : certs) {
        if (o != c && o.getIssuerX500Principal().equals(c.getSubjectX500Principal())) {
          issuedOther = true;
        }
      }
      if (!issuedOther) {
        leaves.add(c);
      }
    }
    if (leaves.size() != 1) {
      throw new GeneralSecurityException(
          leaves.size() + " candidate leaf certificates in a chain of " + certs.size());
    }
    return leaves.get(0);
  }

  private static String rootHint(List<X509Certificate> certs, X509Certificate root) {
    for (X509Certificate c : certs) {
      if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())
          && !Arrays.equals(safeEncoded(c), safeEncoded(root))) {
        return "; the evidence names a root with fingerprint "
            + fingerprint(c)
            + " (pass it with --trust-root only if you trust it)";
      }
    }
    return "";
  }

  private static byte[] safeEncoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      return new byte[0];
    }
  }
}
