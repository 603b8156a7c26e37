package dev.cairn.attest.tee.intel;

import dev.cairn.attest.tee.TeeType;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * An SGX DCAP quote (v3, or v5 with body type 1): header, the ISV enclave's report and the ECDSA
 * signature data.
 *
 * @param header the quote header
 * @param body the enclave's report
 * @param signatureData signature, attestation key, QE report and certification data
 * @param signedBytes header and body, as the attestation key signed them
 * @param raw the quote as parsed
 */
public record SgxQuote(
    QuoteHeader header,
    EnclaveReport body,
    QuoteSignature signatureData,
    byte[] signedBytes,
    byte[] raw)
    implements IntelQuote {
  public SgxQuote {
    signedBytes = signedBytes.clone();
    raw = raw.clone();
  }

  @Override
  public TeeType type() {
    return TeeType.SGX;
  }

  @Override
  public byte[] reportData() {
    return body.reportData().clone();
  }

  @Override
  public String measurementHex() {
    return HexFormat.of().formatHex(body.mrEnclave());
  }

  @Override
  public SequencedMap<String, String> fields() {
    HexFormat hex = HexFormat.of();
    SequencedMap<String, String> f = new LinkedHashMap<>();
    Fields.header(f, header);
    f.put("cpu-svn", hex.formatHex(body.cpuSvn()));
    f.put("misc-select", String.format("%08x", body.miscSelect()));
    f.put("attributes", hex.formatHex(body.attributes()));
    f.put("mr-enclave", hex.formatHex(body.mrEnclave()));
    f.put("mr-signer", hex.formatHex(body.mrSigner()));
    f.put("isv-prod-id", Integer.toString(body.isvProdId()));
    f.put("isv-svn", Integer.toString(body.isvSvn()));
    f.put("report-data", hex.formatHex(body.reportData()));
    Fields.signature(f, signatureData);
    return f;
  }
}
