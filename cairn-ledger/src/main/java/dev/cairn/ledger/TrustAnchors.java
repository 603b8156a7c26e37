package dev.cairn.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public data a verifier trusts, published by whoever runs the attestation service and the log:
 * the log's checkpoint key, the (simulated) platform keys, the policy with the scanner measurements
 * it approves, the certificate signing key it releases only to them, and, for a blockchain ledger,
 * the address of the issuing key it releases to them ({@code ledgerIssuer}, empty if none).
 */
public record TrustAnchors(
    String logVerifierKey,
    List<byte[]> platformKeys,
    Digest policy,
    Set<Digest> measurements,
    byte[] signingKey,
    String ledgerIssuer,
    String ledgerRegistry,
    long ledgerChainId) {
  public TrustAnchors {
    platformKeys = platformKeys.stream().map(byte[]::clone).toList();
    measurements = Set.copyOf(measurements);
    signingKey = signingKey.clone();
  }

  public TrustAnchors(
      String logVerifierKey,
      List<byte[]> platformKeys,
      Digest policy,
      Set<Digest> measurements,
      byte[] signingKey) {
    this(logVerifierKey, platformKeys, policy, measurements, signingKey, "", "", 0);
  }

  /** These anchors with a blockchain ledger: its issuer, registry and chain. */
  public TrustAnchors withLedger(String issuer, String registry, long chainId) {
    return new TrustAnchors(
        logVerifierKey, platformKeys, policy, measurements, signingKey, issuer, registry, chainId);
  }

  /** These anchors with the blockchain ledger of {@code other}. */
  public TrustAnchors withLedgerOf(TrustAnchors other) {
    return withLedger(other.ledgerIssuer, other.ledgerRegistry, other.ledgerChainId);
  }

  @Override
  public byte[] signingKey() {
    return signingKey.clone();
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("logVerifierKey", logVerifierKey);
    m.put(
        "platformKeys",
        platformKeys.stream().map(k -> Base64.getEncoder().encodeToString(k)).toList());
    m.put("policy", policy.toString());
    m.put("measurements", measurements.stream().map(Digest::toString).sorted().toList());
    m.put("signingKey", Base64.getEncoder().encodeToString(signingKey));
    if (!ledgerIssuer.isEmpty()) {
      m.put("ledgerIssuer", ledgerIssuer);
      m.put("ledgerRegistry", ledgerRegistry);
      m.put("ledgerChainId", ledgerChainId);
    }
    return Json.pretty(m);
  }

  public static TrustAnchors parse(String json) throws CairnException {
    try {
      JsonNode n = Json.mapper().readTree(json);
      List<byte[]> pks = new ArrayList<>();
      n.get("platformKeys").forEach(k -> pks.add(Base64.getDecoder().decode(k.asText())));
      Set<Digest> ms = new LinkedHashSet<>();
      n.get("measurements").forEach(m -> ms.add(Digest.parse(m.asText())));
      return new TrustAnchors(
          n.get("logVerifierKey").asText(),
          pks,
          Digest.parse(n.get("policy").asText()),
          ms,
          Base64.getDecoder().decode(n.get("signingKey").asText()),
          n.path("ledgerIssuer").asText(""),
          n.path("ledgerRegistry").asText(""),
          n.path("ledgerChainId").asLong(0));
    } catch (java.io.IOException | RuntimeException e) {
      throw new CairnException(
          "not a Cairn trust file: " + e.getMessage(),
          "pass the trust.json published with the attestation service",
          e);
    }
  }
}
