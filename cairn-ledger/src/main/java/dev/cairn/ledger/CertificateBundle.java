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
 * @param revocationProof for a certificate on the embedded log, the proof that it is not revoked as
 *     of a checkpoint, so that it verifies without the log (null: none)
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
    @Nullable ChainReceipt chain,
    @Nullable RevocationProof revocationProof) {
  public CertificateBundle {
    signingKey = signingKey.clone();
    inclusionProof = inclusionProof.stream().map(byte[]::clone).toList();
  }

  /** A bundle without a revocation proof. */
  public CertificateBundle(
      Dsse.Envelope envelope,
      byte[] signingKey,
      String ledger,
      long index,
      List<byte[]> inclusionProof,
      String checkpoint,
      String locator,
      java.time.Instant issuedAt,
      @Nullable ChainReceipt chain) {
    this(
        envelope,
        signingKey,
        ledger,
        index,
        inclusionProof,
        checkpoint,
        locator,
        issuedAt,
        chain,
        null);
  }

  /** This bundle carrying {@code proof} (replacing any it carried). */
  public CertificateBundle withRevocationProof(@Nullable RevocationProof proof) {
    return new CertificateBundle(
        envelope,
        signingKey,
        ledger,
        index,
        inclusionProof,
        checkpoint,
        locator,
        issuedAt,
        chain,
        proof);
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
    RevocationProof rp = revocationProof;
    if (rp != null) {
      m.put("revocationProof", rp.toMap());
    }
    return Json.pretty(m);
  }

  /** {@link #parse(String, String)} of a certificate from an unnamed place. */
  public static CertificateBundle parse(String json) throws CairnException {
    return parse(json, "certificate");
  }

  /**
   * Reads a certificate file; {@code source} names it in errors. Anything that is not one (an empty
   * file, {@code []}, {@code null}, a missing or mistyped field, a key given twice) fails with one
   * line that names the file and the field.
   */
  public static CertificateBundle parse(String json, String source) throws CairnException {
    JsonNode n;
    try {
      n = Jackson.MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw notBundle(source, Jackson.oneLine(e), e);
    }
    if (n == null || n.isMissingNode()) {
      throw notBundle(source, "the file is empty", null);
    }
    if (!n.isObject()) {
      throw notBundle(source, "it is " + kind(n) + ", not a JSON object", null);
    }
    JsonNode env = field(n, "envelope", JsonNode::isObject, "an object", source);
    JsonNode r = field(n, "receipt", JsonNode::isObject, "an object", source);
    JsonNode proofs = field(r, "inclusionProof", JsonNode::isArray, "a list", "receipt.", source);
    List<byte[]> proof = new ArrayList<>();
    for (JsonNode p : proofs) {
      if (!p.isTextual()) {
        throw notBundle(source, "'receipt.inclusionProof' has an item that is not a string", null);
      }
      proof.add(base64(p.asText(), "receipt.inclusionProof", source));
    }
    String ledger = text(r, "ledger", "receipt.", source);
    JsonNode index =
        field(
            r, "index", JsonNode::canConvertToExactIntegral, "a whole number", "receipt.", source);
    // a chain receipt has no log index (-1); a log receipt's index is 0 or more
    boolean onChain = r.get("chain") != null && !r.get("chain").isNull();
    if (!index.canConvertToLong() || index.asLong() < (onChain ? -1 : 0)) {
      throw notBundle(source, "'receipt.index' is not a log index", null);
    }
    java.time.Instant issued;
    try {
      issued = java.time.Instant.parse(text(r, "issuedAt", "receipt.", source));
    } catch (java.time.format.DateTimeParseException e) {
      throw notBundle(source, "'receipt.issuedAt' is not a time (2026-01-31T12:00:00Z)", e);
    }
    byte[] signingKey = base64(text(n, "signingKey", "", source), "signingKey", source);
    String checkpoint = text(r, "checkpoint", "receipt.", source);
    String locator = text(r, "locator", "receipt.", source);
    Dsse.Envelope envelope;
    try {
      envelope = Dsse.parse(Json.canonical(Jackson.MAPPER.convertValue(env, Object.class)));
    } catch (CairnException e) {
      throw notBundle(source, "'envelope': " + e.getMessage(), e);
    }
    RevocationProof revocationProof = null;
    JsonNode rp = n.get("revocationProof");
    if (rp != null && !rp.isNull()) {
      if (!rp.isObject()) {
        throw notBundle(source, "'revocationProof' is not an object", null);
      }
      try {
        revocationProof = RevocationProof.fromMap(Jackson.MAPPER.convertValue(rp, Map.class));
      } catch (IllegalArgumentException e) {
        throw notBundle(source, "'revocationProof': " + e.getMessage(), e);
      }
    }
    try {
      return new CertificateBundle(
          envelope,
          signingKey,
          ledger,
          index.asLong(),
          proof,
          checkpoint,
          locator,
          issued,
          chain(ledger, r.get("chain")),
          revocationProof);
    } catch (RuntimeException e) {
      throw notBundle(source, "'receipt.chain': " + e.getMessage(), e);
    }
  }

  private static CairnException notBundle(String source, String why, @Nullable Throwable cause) {
    return new CairnException(
        "not a Cairn certificate file " + source + ": " + why,
        "pass the .cert.json that certification wrote",
        cause);
  }

  private static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "a JSON list";
      case NULL -> "JSON null";
      case STRING -> "a JSON string";
      case NUMBER -> "a JSON number";
      case BOOLEAN -> "a JSON boolean";
      default -> "not a JSON object";
    };
  }

  private static JsonNode field(
      JsonNode parent,
      String name,
      java.util.function.Predicate<JsonNode> ok,
      String what,
      String source)
      throws CairnException {
    return field(parent, name, ok, what, "", source);
  }

  private static JsonNode field(
      JsonNode parent,
      String name,
      java.util.function.Predicate<JsonNode> ok,
      String what,
      String prefix,
      String source)
      throws CairnException {
    JsonNode v = parent.get(name);
    if (v == null || v.isNull()) {
      throw notBundle(source, "missing '" + prefix + name + "'", null);
    }
    if (!ok.test(v)) {
      throw notBundle(source, "'" + prefix + name + "' is not " + what, null);
    }
    return v;
  }

  private static String text(JsonNode parent, String name, String prefix, String source)
      throws CairnException {
    return field(parent, name, JsonNode::isTextual, "a string", prefix, source).asText();
  }

  private static byte[] base64(String text, String name, String source) throws CairnException {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw notBundle(source, "'" + name + "' is not base64", e);
    }
  }

  private static @Nullable ChainReceipt chain(String ledger, @Nullable JsonNode c) {
    if (c == null || c.isNull()) {
      return null;
    }
    return ChainReceipt.of(ledger, Jackson.MAPPER.convertValue(c, Map.class));
  }
}
