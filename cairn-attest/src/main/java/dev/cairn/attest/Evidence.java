package dev.cairn.attest;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A TEE's statement that a workload with {@code measurement} runs on its platform and chose {@code
 * reportData} (64 bytes: typically a hash of an ephemeral public key and a verifier's nonce).
 *
 * @param provider the TEE provider ({@code simulation}, {@code sgx-dcap}, ...)
 * @param hardwareBacked false for the simulation provider: no hardware protection
 * @param measurement the workload's measurement
 * @param reportData the 64 bytes the workload bound into the evidence
 * @param platformKey id of the key that signed the evidence ({@code sha256:...})
 * @param issuedAt when it was produced
 * @param signature signature over {@link #signedBytes()}
 */
public record Evidence(
    String provider,
    boolean hardwareBacked,
    Digest measurement,
    byte[] reportData,
    String platformKey,
    Instant issuedAt,
    byte[] signature) {
  public Evidence {
    if (reportData.length != 64) {
      throw new IllegalArgumentException("report data must be 64 bytes, not " + reportData.length);
    }
    reportData = reportData.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] reportData() {
    return reportData.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  private Map<String, Object> body() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("provider", provider);
    m.put("hardwareBacked", hardwareBacked);
    m.put("measurement", measurement.toString());
    m.put("reportData", HexFormat.of().formatHex(reportData));
    m.put("platformKey", platformKey);
    m.put("issuedAt", issuedAt.toString());
    return m;
  }

  /** What the platform key signs: canonical JSON of every field but the signature. */
  public byte[] signedBytes() {
    return Json.canonical(body()).getBytes(StandardCharsets.UTF_8);
  }

  public String toJson() {
    Map<String, Object> m = body();
    m.put("signature", Base64.getEncoder().encodeToString(signature));
    return Json.canonical(m);
  }

  public Digest digest() {
    return Digest.sha256(toJson());
  }

  private static String str(Map<?, ?> m, String k) {
    if (m.get(k) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("missing " + k);
  }

  public static Evidence parse(String json) throws CairnException {
    try {
      Map<?, ?> m = Json.parseObject(json);
      return new Evidence(
          str(m, "provider"),
          Boolean.TRUE.equals(m.get("hardwareBacked")),
          Digest.parse(str(m, "measurement")),
          HexFormat.of().parseHex(str(m, "reportData")),
          str(m, "platformKey"),
          Instant.parse(str(m, "issuedAt")),
          Base64.getDecoder().decode(str(m, "signature")));
    } catch (java.io.IOException | RuntimeException e) {
      throw new AttestationException("unreadable attestation evidence: " + e.getMessage(), null, e);
    }
  }
}
