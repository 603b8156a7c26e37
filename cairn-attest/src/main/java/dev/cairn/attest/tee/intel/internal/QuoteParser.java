package dev.cairn.attest.tee.intel.internal;

import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.intel.EnclaveReport;
import dev.cairn.attest.tee.intel.IntelQuote;
import dev.cairn.attest.tee.intel.QuoteHeader;
import dev.cairn.attest.tee.intel.QuoteSignature;
import dev.cairn.attest.tee.intel.SgxQuote;
import dev.cairn.attest.tee.intel.TdReport;
import dev.cairn.attest.tee.intel.TdxQuote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The quote layouts of Intel's SGX ECDSA Quote Library API (v3) and TDX DCAP Quoting Library API
 * (v4, v5). Bytes after the signature data are not covered by any signature and are ignored.
 */
public final class QuoteParser {
  private static final int ECDSA_P256 = 2;
  private static final int BODY_SGX = 1;
  private static final int BODY_TD_1_0 = 2;
  private static final int BODY_TD_1_5 = 3;

  private QuoteParser() {}

  /** Whether {@code data} starts like an Intel DCAP quote header (for dispatch, not trust). */
  public static boolean looksLikeQuote(byte[] data) {
    if (data.length < QuoteHeader.SIZE) {
      return false;
    }
    int version = (data[0] & 0xff) | (data[1] & 0xff) << 8;
    int keyType = (data[2] & 0xff) | (data[3] & 0xff) << 8;
    return version >= 3 && version <= 5 && keyType == ECDSA_P256;
  }

  public static IntelQuote parse(byte[] data) throws MalformedEvidenceException {
    QuoteReader r = new QuoteReader("Intel quote", data);
    QuoteHeader header = header(r);
    int bodyType;
    int bodySize;
    if (header.version() == 5) {
      bodyType = r.u16("body.type");
      int sizeAt = r.position();
      long size = r.u32("body.size");
      bodySize =
          switch (bodyType) {
            case BODY_SGX -> EnclaveReport.SIZE;
            case BODY_TD_1_0 -> TdReport.SIZE_1_0;
            case BODY_TD_1_5 -> TdReport.SIZE_1_5;
            default ->
                throw r.errorAt(
                    sizeAt - 2,
                    "body.type",
                    "unknown body type " + bodyType + " (1 SGX, 2 TD report 1.0, 3 TD report 1.5)");
          };
      if (size != bodySize) {
        throw r.errorAt(
            sizeAt, "body.size", "is " + size + ", body type " + bodyType + " has " + bodySize);
      }
      boolean tdx = header.teeType() == QuoteHeader.TEE_TDX;
      if (tdx == (bodyType == BODY_SGX)) {
        throw r.errorAt(
            sizeAt - 2,
            "body.type",
            "body type " + bodyType + " does not fit the header's TEE type");
      }
    } else if (header.teeType() == QuoteHeader.TEE_TDX) {
      if (header.version() != 4) {
        throw r.errorAt(0, "header.version", "a TDX quote is version 4 or 5, not 3");
      }
      bodyType = BODY_TD_1_0;
      bodySize = TdReport.SIZE_1_0;
    } else {
      if (header.version() != 3) {
        throw r.errorAt(0, "header.version", "an SGX quote is version 3 or 5, not 4");
      }
      bodyType = BODY_SGX;
      bodySize = EnclaveReport.SIZE;
    }
    QuoteReader body = r.slice(bodyType == BODY_SGX ? "report-body" : "td-report", bodySize);
    byte[] signed = Arrays.copyOfRange(data, 0, r.position());
    long sigLength = r.u32("signature-data.length");
    QuoteReader sig = r.slice("signature-data", sigLength);
    QuoteSignature signature = signatureData(sig, header.version());
    if (sig.remaining() != 0) {
      throw sig.error(
          "signature-data", sig.remaining() + " bytes left over after the certification data");
    }
    if (bodyType == BODY_SGX) {
      return new SgxQuote(header, enclaveReport(body, "report-body"), signature, signed, data);
    }
    return new TdxQuote(header, bodyType, tdReport(body, bodyType), signature, signed, data);
  }

  private static QuoteHeader header(QuoteReader r) throws MalformedEvidenceException {
    int version = r.u16("header.version");
    if (version < 3 || version > 5) {
      throw r.errorAt(0, "header.version", "version " + version + " is not 3, 4 or 5");
    }
    int keyType = r.u16("header.attestation-key-type");
    if (keyType != ECDSA_P256) {
      throw r.errorAt(
          2, "header.attestation-key-type", "type " + keyType + " is not 2 (ECDSA P-256)");
    }
    long teeType = r.u32("header.tee-type");
    if (teeType != QuoteHeader.TEE_SGX && teeType != QuoteHeader.TEE_TDX) {
      throw r.errorAt(
          4, "header.tee-type", String.format("0x%x is not 0x0 (SGX) or 0x81 (TDX)", teeType));
    }
    int qeSvn = r.u16("header.qe-svn");
    int pceSvn = r.u16("header.pce-svn");
    byte[] vendor = r.bytes("header.qe-vendor-id", 16);
    byte[] user = r.bytes("header.user-data", 20);
    return new QuoteHeader(version, keyType, teeType, qeSvn, pceSvn, vendor, user);
  }

  static EnclaveReport enclaveReport(QuoteReader r, String name) throws MalformedEvidenceException {
    QuoteReader all = r.slice(name, EnclaveReport.SIZE);
    byte[] raw = all.bytes(name, EnclaveReport.SIZE);
    QuoteReader b = new QuoteReader("Intel quote", raw);
    byte[] cpuSvn = b.bytes(name + ".cpu-svn", 16);
    long misc = b.u32(name + ".misc-select");
    b.bytes(name + ".reserved1", 28);
    byte[] attributes = b.bytes(name + ".attributes", 16);
    byte[] mrEnclave = b.bytes(name + ".mr-enclave", 32);
    b.bytes(name + ".reserved2", 32);
    byte[] mrSigner = b.bytes(name + ".mr-signer", 32);
    b.bytes(name + ".reserved3", 96);
    int prodId = b.u16(name + ".isv-prod-id");
    int svn = b.u16(name + ".isv-svn");
    b.bytes(name + ".reserved4", 60);
    byte[] reportData = b.bytes(name + ".report-data", 64);
    return new EnclaveReport(
        cpuSvn, misc, attributes, mrEnclave, mrSigner, prodId, svn, reportData, raw);
  }

  private static TdReport tdReport(QuoteReader b, int bodyType) throws MalformedEvidenceException {
    byte[] teeTcbSvn = b.bytes("td-report.tee-tcb-svn", 16);
    byte[] mrSeam = b.bytes("td-report.mr-seam", 48);
    byte[] mrSignerSeam = b.bytes("td-report.mr-signer-seam", 48);
    byte[] seamAttributes = b.bytes("td-report.seam-attributes", 8);
    byte[] tdAttributes = b.bytes("td-report.td-attributes", 8);
    byte[] xfam = b.bytes("td-report.xfam", 8);
    byte[] mrTd = b.bytes("td-report.mr-td", 48);
    byte[] mrConfigId = b.bytes("td-report.mr-config-id", 48);
    byte[] mrOwner = b.bytes("td-report.mr-owner", 48);
    byte[] mrOwnerConfig = b.bytes("td-report.mr-owner-config", 48);
    List<byte[]> rtmrs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      rtmrs.add(b.bytes("td-report.rtmr" + i, 48));
    }
    byte[] reportData = b.bytes("td-report.report-data", 64);
    byte[] svn2 = null;
    byte[] serviceTd = null;
    if (bodyType == BODY_TD_1_5) {
      svn2 = b.bytes("td-report.tee-tcb-svn2", 16);
      serviceTd = b.bytes("td-report.mr-service-td", 48);
    }
    return new TdReport(
        teeTcbSvn,
        mrSeam,
        mrSignerSeam,
        seamAttributes,
        tdAttributes,
        xfam,
        mrTd,
        mrConfigId,
        mrOwner,
        mrOwnerConfig,
        rtmrs,
        reportData,
        svn2,
        serviceTd);
  }

  private static QuoteSignature signatureData(QuoteReader s, int version)
      throws MalformedEvidenceException {
    byte[] signature = s.bytes("signature-data.signature", 64);
    byte[] key = s.bytes("signature-data.attestation-key", 64);
    if (version == 3) {
      EnclaveReport qe = enclaveReport(s, "qe-report");
      byte[] qeSig = s.bytes("qe-report-signature", 64);
      int authLength = s.u16("qe-auth-data.length");
      byte[] auth = s.bytes("qe-auth-data", authLength);
      int typeAt = s.position();
      int type = s.u16("certification-data.type");
      long size = s.u32("certification-data.size");
      if (type < 1 || type > 5) {
        throw s.errorAt(
            typeAt, "certification-data.type", "type " + type + " is not 1 to 5 in a v3 quote");
      }
      byte[] cert = s.bytes("certification-data", size);
      return new QuoteSignature(signature, key, qe, qeSig, auth, type, cert);
    }
    int typeAt = s.position();
    int type = s.u16("certification-data.type");
    long size = s.u32("certification-data.size");
    if (type != QuoteSignature.QE_REPORT_CERTIFICATION_DATA) {
      throw s.errorAt(
          typeAt,
          "certification-data.type",
          "type " + type + " is not 6 (QE report certification data) in a v" + version + " quote");
    }
    QuoteReader q = s.slice("qe-report-certification-data", size);
    EnclaveReport qe = enclaveReport(q, "qe-report");
    byte[] qeSig = q.bytes("qe-report-signature", 64);
    int authLength = q.u16("qe-auth-data.length");
    byte[] auth = q.bytes("qe-auth-data", authLength);
    int innerAt = q.position();
    int inner = q.u16("qe-report-certification-data.certification-data.type");
    long innerSize = q.u32("qe-report-certification-data.certification-data.size");
    if (inner < 1 || inner > 5) {
      throw q.errorAt(
          innerAt,
          "qe-report-certification-data.certification-data.type",
          "type " + inner + " is not 1 to 5");
    }
    byte[] cert = q.bytes("qe-report-certification-data.certification-data", innerSize);
    if (q.remaining() != 0) {
      throw q.error(
          "qe-report-certification-data",
          q.remaining() + " bytes left over after the certification data");
    }
    return new QuoteSignature(signature, key, qe, qeSig, auth, inner, cert);
  }
}
