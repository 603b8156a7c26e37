package dev.cairn.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Dsse;
import dev.cairn.core.Json;
import dev.cairn.ledger.internal.Jackson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code cairn certify} writes and {@code cairn verify} reads: the DSSE envelope, the signing
 * public key, and the receipt of the ledger that recorded it.
 *
 * @param envelope the signed in-toto Statement
 * @param signingKey raw Ed25519 public key that signed it
 * @param ledger {@code embedded} or {@code ethereum:URL#ADDRESS}
 * @param index log index of the issue entry
 * @param inclusionProof proof against {@code checkpoint}
 * @param checkpoint the signed checkpoint the entry is committed to
 * @param locator the locator recorded with the entry
 * @param issuedAt the ledger entry's issue time
 * @param chain where a blockchain ledger recorded it (null for the embedded log, whose receipt is
 *     index, proof and checkpoint)
 */
public record CertificateBundle(
    Dsse.Envelope envelope,
    byte[] signingKey,
    String ledger,
    long index,
    List<byte[]> inclusionProof,
    String checkpoint,
    String locator,
    java.time.Instant issuedAt,
    @Nullable ChainReceipt chain) {
  public CertificateBundle {
    signingKey = signingKey.clone();
    inclusionProof = inclusionProof.stream().map(byte[]::clone).toList();
  }

  /** A bundle recorded on the embedded log. */
  public CertificateBundle(
      Dsse.Envelope envelope,
      byte[] signingKey,
      String ledger,
      long index,
      List<byte[]> inclusionProof,
      String checkpoint,
      String locator,
      java.time.Instant issuedAt) {
    this(envelope, signingKey, ledger, index, inclusionProof, checkpoint, locator, issuedAt, null);
  }

  /** A certificate with the receipt of the ledger that recorded it. */
  public static CertificateBundle of(
      Dsse.Envelope envelope,
      byte[] signingKey,
      LedgerReceipt receipt,
      String locator,
      java.time.Instant issuedAt) {
    return switch (receipt) {
      case ChainReceipt c -> onChain(envelope, signingKey, c, locator, issuedAt);
      case Receipt r ->
          new CertificateBundle(
              envelope,
              signingKey,
              "embedded",
              r.index(),
              r.inclusionProof(),
              r.checkpoint().signedNote(),
              locator,
              issuedAt);
    };
  }

  /** A bundle recorded on a blockchain registry. */
  public static CertificateBundle onChain(
      Dsse.Envelope envelope,
      byte[] signingKey,
      ChainReceipt chain,
      String locator,
      java.time.Instant issuedAt) {
    return new CertificateBundle(
        envelope, signingKey, chain.ledger(), -1, List.of(), "", locator, issuedAt, chain);
  }

  @Override
  public byte[] signingKey() {
    return signingKey.clone();
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    try {
      m.put("envelope", Json.parseObject(envelope.toJson()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    m.put("signingKey", Base64.getEncoder().encodeToString(signingKey));
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("ledger", ledger);
    l.put("index", index);
    l.put(
        "inclusionProof",
        inclusionProof.stream().map(b -> Base64.getEncoder().encodeToString(b)).toList());
    l.put("checkpoint", checkpoint);
    l.put("locator", locator);
    l.put("issuedAt", issuedAt.toString());
    if (chain != null) {
      l.put("chain", chain.toMap());
    }
    m.put("receipt", l);
    return Json.pretty(m);
  }

  public static CertificateBundle parse(String json) throws CairnException {
    try {
      JsonNode n = Jackson.MAPPER.readTree(json);
      JsonNode r = n.get("receipt");
      List<byte[]> proof = new ArrayList<>();
      r.get("inclusionProof").forEach(p -> proof.add(Base64.getDecoder().decode(p.asText())));
      return new CertificateBundle(
          Dsse.parse(Json.canonical(Jackson.MAPPER.convertValue(n.get("envelope"), Object.class))),
          Base64.getDecoder().decode(n.get("signingKey").asText()),
          r.get("ledger").asText(),
          r.get("index").asLong(),
          proof,
          r.get("checkpoint").asText(),
          r.get("locator").asText(),
          java.time.Instant.parse(r.get("issuedAt").asText()),
          chain(r.get("ledger").asText(), r.get("chain")));
    } catch (java.io.IOException | RuntimeException e) {
      throw new CairnException(
          "not a Cairn certificate file: " + e.getMessage(),
          "pass the .cert.json that certification wrote",
          e);
    }
  }

  private static @Nullable ChainReceipt chain(String ledger, @Nullable JsonNode c) {
    if (c == null || c.isNull()) {
      return null;
    }
    return ChainReceipt.of(ledger, Jackson.MAPPER.convertValue(c, Map.class));
  }
}
