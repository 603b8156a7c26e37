package dev.cairn.attest.tee.intel.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.jspecify.annotations.Nullable;

/**
 * The SGX extensions of a PCK certificate (OID 1.2.840.113741.1.13.1, Intel's "SGX PCK Certificate
 * and CRL Profile"): the platform's TCB (16 CPUSVN components and PCESVN), PCE-ID and FMSPC.
 *
 * @param componentSvns SGX TCB components 1 to 16
 * @param pceSvn the PCE security version
 * @param cpuSvn the CPUSVN the certificate was issued for
 * @param pceId 2 bytes
 * @param fmspc 6 bytes, the family-model-stepping-platform-custom SKU
 */
public record PckExtensions(
    int[] componentSvns, int pceSvn, byte[] cpuSvn, byte[] pceId, byte[] fmspc) {
  public static final String SGX_EXTENSIONS = "1.2.840.113741.1.13.1";
  private static final String TCB = SGX_EXTENSIONS + ".2";
  private static final String PCE_ID = SGX_EXTENSIONS + ".3";
  private static final String FMSPC = SGX_EXTENSIONS + ".4";

  /**
   * @throws IOException when the certificate has no SGX extensions or they are not as specified
   */
  public static PckExtensions of(X509Certificate pck) throws IOException {
    byte[] ext = pck.getExtensionValue(SGX_EXTENSIONS);
    if (ext == null) {
      throw new IOException("the PCK certificate has no SGX extensions (" + SGX_EXTENSIONS + ")");
    }
    try {
      ASN1Primitive outer = ASN1Primitive.fromByteArray(ext);
      ASN1Sequence seq =
          ASN1Sequence.getInstance(
              ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(outer).getOctets()));
      int[] comps = new int[16];
      boolean[] seen = new boolean[16];
      Integer pceSvn = null;
      byte[] cpuSvn = null;
      byte[] pceId = null;
      byte[] fmspc = null;
      for (ASN1Encodable e : seq) {
        ASN1Sequence entry = ASN1Sequence.getInstance(e);
        if (entry.size() != 2) {
          throw new IOException("an SGX extension entry has " + entry.size() + " elements, not 2");
        }
        String oid = ASN1ObjectIdentifier.getInstance(entry.getObjectAt(0)).getId();
        ASN1Encodable value = entry.getObjectAt(1);
        switch (oid) {
          case TCB -> {
            for (ASN1Encodable t : ASN1Sequence.getInstance(value)) {
              ASN1Sequence te = ASN1Sequence.getInstance(t);
              String toid = ASN1ObjectIdentifier.getInstance(te.getObjectAt(0)).getId();
              if (!toid.startsWith(TCB + ".")) {
                throw new IOException("unexpected TCB entry " + toid);
              }
              int n = Integer.parseInt(toid.substring(TCB.length() + 1));
              if (n >= 1 && n <= 16) {
                comps[n - 1] = smallInt(te.getObjectAt(1), toid);
                seen[n - 1] = true;
              } else if (n == 17) {
                pceSvn = smallInt(te.getObjectAt(1), toid);
              } else if (n == 18) {
                cpuSvn = ASN1OctetString.getInstance(te.getObjectAt(1)).getOctets();
              }
            }
          }
          case PCE_ID -> pceId = ASN1OctetString.getInstance(value).getOctets();
          case FMSPC -> fmspc = ASN1OctetString.getInstance(value).getOctets();
          default -> {}
        }
      }
      for (int i = 0; i < 16; i++) {
        if (!seen[i]) {
          throw new IOException("the PCK certificate lacks SGX TCB component " + (i + 1));
        }
      }
      return new PckExtensions(
          comps,
          require(pceSvn, "PCESVN"),
          require(cpuSvn, "CPUSVN"),
          require(pceId, "PCE-ID"),
          require(fmspc, "FMSPC"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IOException(
          "the PCK certificate's SGX extensions are malformed: " + e.getMessage());
    }
  }

  private static <T> T require(@Nullable T v, String name) throws IOException {
    if (v == null) {
      throw new IOException("the PCK certificate's SGX extensions lack " + name);
    }
    return v;
  }

  private static int smallInt(ASN1Encodable v, String oid) throws IOException {
    BigInteger b =
        v instanceof ASN1Enumerated en ? en.getValue() : ASN1Integer.getInstance(v).getValue();
    if (b.signum() < 0 || b.bitLength() > 16) {
      throw new IOException("SGX extension " + oid + " is out of range: " + b);
    }
    return b.intValue();
  }
}
