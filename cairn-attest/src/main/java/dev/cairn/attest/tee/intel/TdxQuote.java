package dev.cairn.attest.tee.intel;

import dev.cairn.attest.tee.TeeType;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * A TDX quote (v4, or v5 with body type 2 or 3): header, the TD report and the ECDSA signature
 * data.
 *
 * @param header the quote header
 * @param bodyType 2 for TD report 1.0 (always in v4), 3 for TD report 1.5
 * @param body the TD report
 * @param signatureData signature, attestation key, QE report and certification data
 * @param signedBytes header (v5: and body descriptor) and body, as the attestation key signed them
 * @param raw the quote as parsed
 */
public record TdxQuote(
    QuoteHeader header,
    int bodyType,
    TdReport body,
    QuoteSignature signatureData,
    byte[] signedBytes,
    byte[] raw)
    implements IntelQuote {
  public TdxQuote {
    signedBytes = signedBytes.clone();
    raw = raw.clone();
  }

  @Override
  public TeeType type() {
    return TeeType.TDX;
  }

  @Override
  public byte[] reportData() {
    return body.reportData().clone();
  }

  @Override
  public String measurementHex() {
    return HexFormat.of().formatHex(body.mrTd());
  }

  @Override
  public SequencedMap<String, String> fields() {
    HexFormat hex = HexFormat.of();
    SequencedMap<String, String> f = new LinkedHashMap<>();
    Fields.header(f, header);
    f.put("body-type", Integer.toString(bodyType));
    f.put("tee-tcb-svn", hex.formatHex(body.teeTcbSvn()));
    f.put("mr-seam", hex.formatHex(body.mrSeam()));
    f.put("mr-signer-seam", hex.formatHex(body.mrSignerSeam()));
    f.put("seam-attributes", hex.formatHex(body.seamAttributes()));
    f.put("td-attributes", hex.formatHex(body.tdAttributes()));
    f.put("xfam", hex.formatHex(body.xfam()));
    f.put("mr-td", hex.formatHex(body.mrTd()));
    f.put("mr-config-id", hex.formatHex(body.mrConfigId()));
    f.put("mr-owner", hex.formatHex(body.mrOwner()));
    f.put("mr-owner-config", hex.formatHex(body.mrOwnerConfig()));
    for (int i = 0; i < 4; i++) {
      f.put("rtmr" + i, hex.formatHex(body.rtmrs().get(i)));
    }
    f.put("report-data", hex.formatHex(body.reportData()));
    byte[] svn2 = body.teeTcbSvn2();
    byte[] service = body.mrServiceTd();
    if (svn2 != null && service != null) {
      f.put("tee-tcb-svn2", hex.formatHex(svn2));
      f.put("mr-service-td", hex.formatHex(service));
    }
    Fields.signature(f, signatureData);
    return f;
  }
}
