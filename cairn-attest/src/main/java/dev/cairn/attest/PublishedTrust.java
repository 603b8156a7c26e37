package dev.cairn.attest;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an attestation service publishes for one measured service ({@code GET /v1/trust}): the
 * policy in force, the measurements it approves, the platform keys it trusts, and the public halves
 * of the keys it releases only to those measurements.
 *
 * @param session the policy session
 * @param policy digest of the policy version in force
 * @param policyVersion its version
 * @param measurements measurements the service may have
 * @param platformKeys raw Ed25519 platform keys whose evidence the service accepts
 * @param signingKey raw Ed25519 public key of the certificate signing secret (empty for a builder,
 *     whose key is {@code builderKey})
 * @param ledgerKey uncompressed secp256k1 public key of the ledger secret (empty when the policy
 *     releases none)
 * @param maxValidity the longest certificate lifetime the policy allows ({@link
 *     Policy#maxLifetime()}; {@link Policy#DEFAULT_MAX_VALIDITY} from a service that does not say)
 * @param builderKey SubjectPublicKeyInfo DER of the attested builder's ECDSA P-256 key (a {@link
 *     Policy.Kind#P256} secret), which signs provenance and image signatures; empty when what is
 *     published is no builder's
 * @param builderMeasurements the builder measurements the policy approves (empty when what is
 *     published is no builder's)
 */
public record PublishedTrust(
    String session,
    Digest policy,
    int policyVersion,
    Set<Digest> measurements,
    List<byte[]> platformKeys,
    byte[] signingKey,
    byte[] ledgerKey,
    java.time.Duration maxValidity,
    byte[] builderKey,
    Set<Digest> builderMeasurements) {
  public PublishedTrust {
    measurements = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(measurements));
    platformKeys = platformKeys.stream().map(byte[]::clone).toList();
    signingKey = signingKey.clone();
    ledgerKey = ledgerKey.clone();
    builderKey = builderKey.clone();
    builderMeasurements =
        java.util.Collections.unmodifiableSet(new LinkedHashSet<>(builderMeasurements));
  }

  /** What a scanner's service publishes: no builder key or measurements. */
  public PublishedTrust(
      String session,
      Digest policy,
      int policyVersion,
      Set<Digest> measurements,
      List<byte[]> platformKeys,
      byte[] signingKey,
      byte[] ledgerKey,
      java.time.Duration maxValidity) {
    this(
        session,
        policy,
        policyVersion,
        measurements,
        platformKeys,
        signingKey,
        ledgerKey,
        maxValidity,
        new byte[0],
        Set.of());
  }

  @Override
  public byte[] builderKey() {
    return builderKey.clone();
  }

  /** Whether this is what a builder's service publishes (its key and measurements). */
  public boolean isBuilder() {
    return builderKey.length > 0;
  }

  @Override
  public List<byte[]> platformKeys() {
    return platformKeys.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] signingKey() {
    return signingKey.clone();
  }

  @Override
  public byte[] ledgerKey() {
    return ledgerKey.clone();
  }

  /** The wire form. */
  public String toJson() {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("session", session);
    m.put("policy", policy.toString());
    m.put("policyVersion", policyVersion);
    m.put("measurements", measurements.stream().map(Digest::toString).sorted().toList());
    m.put("platformKeys", platformKeys.stream().map(b64::encodeToString).toList());
    m.put("signingKey", b64.encodeToString(signingKey));
    if (ledgerKey.length > 0) {
      m.put("ledgerKey", b64.encodeToString(ledgerKey));
    }
    m.put("maxValiditySeconds", maxValidity.toSeconds());
    if (builderKey.length > 0) {
      // only a builder's: a scanner's trust reads as it did before builders were published
      m.put("builderKey", b64.encodeToString(builderKey));
      m.put(
          "builderMeasurements",
          builderMeasurements.stream().map(Digest::toString).sorted().toList());
    }
    return Json.canonical(m);
  }

  /** Reads the wire form; every missing or malformed field is named. */
  public static PublishedTrust parse(String json) throws AttestationException {
    try {
      if (!(Json.parse(json) instanceof Map<?, ?> n)) {
        throw new IllegalArgumentException("not a JSON object");
      }
      Base64.Decoder b64 = Base64.getDecoder();
      Set<Digest> ms = new LinkedHashSet<>();
      for (Object m : list(n, "measurements")) {
        ms.add(Digest.parse(text(m)));
      }
      List<byte[]> pks = new ArrayList<>();
      for (Object k : list(n, "platformKeys")) {
        pks.add(b64.decode(text(k)));
      }
      Set<Digest> bms = new LinkedHashSet<>();
      if (n.containsKey("builderMeasurements")) {
        for (Object m : list(n, "builderMeasurements")) {
          bms.add(Digest.parse(text(m)));
        }
      }
      byte[] builderKey =
          n.containsKey("builderKey") ? b64.decode(text(n.get("builderKey"))) : new byte[0];
      if (builderKey.length > 0 && bms.isEmpty()) {
        throw new IllegalArgumentException("a builder key without builder measurements");
      }
      return new PublishedTrust(
          n.get("session") instanceof String s ? s : "",
          Digest.parse(text(required(n, "policy"))),
          n.get("policyVersion") instanceof Number v ? v.intValue() : 0,
          ms,
          pks,
          b64.decode(text(required(n, "signingKey"))),
          n.containsKey("ledgerKey") ? b64.decode(text(n.get("ledgerKey"))) : new byte[0],
          n.get("maxValiditySeconds") instanceof Number max
              ? java.time.Duration.ofSeconds(max.longValue())
              : Policy.DEFAULT_MAX_VALIDITY,
          builderKey,
          bms);
    } catch (java.io.IOException | RuntimeException e) {
      throw new AttestationException(
          "the attestation service's published trust is malformed: " + e.getMessage(),
          "check that the URL points at a Cairn attestation service of this version",
          e);
    }
  }

  private static Object required(Map<?, ?> n, String field) {
    Object v = n.get(field);
    if (v == null) {
      throw new IllegalArgumentException("missing '" + field + "'");
    }
    return v;
  }

  private static List<?> list(Map<?, ?> n, String field) {
    if (required(n, field) instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException("'" + field + "' is not a list");
  }

  private static String text(@Nullable Object v) {
    return v instanceof Map<?, ?> || v instanceof List<?> ? "" : String.valueOf(v);
  }

  @Override
  public String toString() {
    return "PublishedTrust[" + session + " v" + policyVersion + " " + policy + "]";
  }
}
