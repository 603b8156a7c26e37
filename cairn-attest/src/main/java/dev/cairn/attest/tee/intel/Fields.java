package dev.cairn.attest.tee.intel;

import java.util.HexFormat;
import java.util.SequencedMap;

/** The header and signature-data fields both quote kinds print. */
final class Fields {
  private Fields() {}

  static void header(SequencedMap<String, String> f, QuoteHeader h) {
    HexFormat hex = HexFormat.of();
    f.put("version", Integer.toString(h.version()));
    f.put("attestation-key-type", Integer.toString(h.attestationKeyType()));
    f.put("tee-type", String.format("0x%x", h.teeType()));
    f.put("qe-svn", Integer.toString(h.qeSvn()));
    f.put("pce-svn", Integer.toString(h.pceSvn()));
    f.put("qe-vendor-id", hex.formatHex(h.qeVendorId()));
    f.put("user-data", hex.formatHex(h.userData()));
  }

  static void signature(SequencedMap<String, String> f, QuoteSignature s) {
    HexFormat hex = HexFormat.of();
    f.put("attestation-key", hex.formatHex(s.attestationKey()));
    f.put("qe-report.mr-enclave", hex.formatHex(s.qeReport().mrEnclave()));
    f.put("qe-report.mr-signer", hex.formatHex(s.qeReport().mrSigner()));
    f.put("qe-report.isv-prod-id", Integer.toString(s.qeReport().isvProdId()));
    f.put("qe-report.isv-svn", Integer.toString(s.qeReport().isvSvn()));
    f.put("qe-auth-data", hex.formatHex(s.qeAuthData()));
    f.put("certification-data-type", Integer.toString(s.certificationDataType()));
    f.put("certification-data-size", Integer.toString(s.certificationData().length));
  }
}
