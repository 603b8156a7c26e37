package dev.cairn.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.ledger.internal.Jackson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compliance certificate: the predicate of an in-toto Statement (subject = the cluster identity)
 * carried in a DSSE envelope signed with the key the attestation service releases to the measured
 * scanner.
 *
 * @param clusterId cluster identity digest (also the statement's subject digest)
 * @param kubeSystemUid part of the identity
 * @param caFingerprint part of the identity
 * @param server API server URL, for display
 * @param source {@code live} or {@code snapshot}
 * @param frameworks frameworks certified
 * @param checkPackDigest digest of the check pack that ran
 * @param checkPackVersion the tool that carried it
 * @param tee TEE provider name
 * @param hardwareBacked false for simulation
 * @param measurement scanner measurement
 * @param evidenceJson the scanner's evidence binding report, cluster and signing key
 * @param reportDigest digest of the full JSON scan report
 * @param summary counts from the report
 * @param policy digest of the attestation policy that released the key
 * @param signingKey id of the signing key
 * @param issuedAt issue time
 * @param expiresAt expiry time
 */
public record Certificate(
    Digest clusterId,
    String kubeSystemUid,
    Digest caFingerprint,
    String server,
    String source,
    List<String> frameworks,
    Digest checkPackDigest,
    String checkPackVersion,
    String tee,
    boolean hardwareBacked,
    Digest measurement,
    String evidenceJson,
    Digest reportDigest,
    Map<String, Long> summary,
    Digest policy,
    String signingKey,
    Instant issuedAt,
    Instant expiresAt) {
  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  public static final String PREDICATE_TYPE =
      "https://cairn.dev/attestations/compliance-certificate/v1";

  public Certificate {
    frameworks = List.copyOf(frameworks);
    summary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary));
  }

  /** The in-toto Statement as canonical JSON bytes (the DSSE payload). */
  public byte[] statement() {
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("name", "kubernetes-cluster:" + server);
    subject.put("digest", Map.of("sha256", clusterId.hex()));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(
        "cluster",
        Map.of(
            "id",
            clusterId.toString(),
            "kubeSystemUid",
            kubeSystemUid,
            "caFingerprint",
            caFingerprint.toString(),
            "server",
            server,
            "source",
            source));
    p.put("frameworks", frameworks);
    p.put("checkPack", Map.of("digest", checkPackDigest.toString(), "version", checkPackVersion));
    Map<String, @Nullable Object> scanner = new LinkedHashMap<>();
    scanner.put("tee", tee);
    scanner.put("hardwareBacked", hardwareBacked);
    if (!hardwareBacked) {
      scanner.put("warning", "simulation: no hardware protection");
    }
    scanner.put("measurement", measurement.toString());
    scanner.put("evidenceDigest", Digest.sha256(evidenceJson).toString());
    scanner.put("evidence", parseJson(evidenceJson));
    p.put("scanner", scanner);
    p.put("report", Map.of("digest", reportDigest.toString(), "summary", summary));
    p.put("attestation", Map.of("policy", policy.toString(), "signingKey", signingKey));
    p.put("issuedAt", issuedAt.toString());
    p.put("expiresAt", expiresAt.toString());
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("_type", STATEMENT_TYPE);
    st.put("subject", List.of(subject));
    st.put("predicateType", PREDICATE_TYPE);
    st.put("predicate", p);
    return Json.canonical(st).getBytes(StandardCharsets.UTF_8);
  }

  private static @Nullable Object parseJson(String json) {
    try {
      return Json.parse(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("evidence is not JSON", e);
    }
  }

  /** Parses a statement; every structural problem is a message naming the field. */
  public static Certificate parse(byte[] statement) throws CairnException {
    JsonNode st;
    try {
      st = Jackson.MAPPER.readTree(statement);
    } catch (java.io.IOException e) {
      throw new CairnException("certificate statement is not JSON", null, e);
    }
    if (st == null
        || !STATEMENT_TYPE.equals(st.path("_type").asText())
        || !PREDICATE_TYPE.equals(st.path("predicateType").asText())) {
      throw new CairnException(
          "not a Cairn compliance certificate (wrong _type or predicateType)", null);
    }
    try {
      JsonNode p = st.get("predicate");
      JsonNode c = p.get("cluster");
      JsonNode s = p.get("scanner");
      List<String> fw = new ArrayList<>();
      p.get("frameworks").forEach(f -> fw.add(f.asText()));
      Map<String, Long> summary = new LinkedHashMap<>();
      p.get("report")
          .get("summary")
          .properties()
          .forEach(e -> summary.put(e.getKey(), e.getValue().asLong()));
      Certificate cert =
          new Certificate(
              Digest.parse(c.get("id").asText()),
              c.get("kubeSystemUid").asText(),
              Digest.parse(c.get("caFingerprint").asText()),
              c.get("server").asText(),
              c.get("source").asText(),
              fw,
              Digest.parse(p.get("checkPack").get("digest").asText()),
              p.get("checkPack").get("version").asText(),
              s.get("tee").asText(),
              s.get("hardwareBacked").asBoolean(),
              Digest.parse(s.get("measurement").asText()),
              Json.canonical(Jackson.MAPPER.convertValue(s.get("evidence"), Object.class)),
              Digest.parse(p.get("report").get("digest").asText()),
              summary,
              Digest.parse(p.get("attestation").get("policy").asText()),
              p.get("attestation").get("signingKey").asText(),
              Instant.parse(p.get("issuedAt").asText()),
              Instant.parse(p.get("expiresAt").asText()));
      JsonNode subj = st.get("subject").get(0);
      if (!clusterHexEquals(subj.get("digest").get("sha256").asText(), cert.clusterId())) {
        throw new CairnException(
            "certificate subject digest does not match its cluster identity", null);
      }
      return cert;
    } catch (RuntimeException e) {
      throw new CairnException("malformed certificate statement: " + e.getMessage(), null, e);
    }
  }

  private static boolean clusterHexEquals(String hex, Digest d) {
    return d.hex().equals(hex);
  }

  /**
   * The 64 bytes the scanner binds into its evidence for this certificate: SHA-512 over the report
   * digest, the cluster identity and the signing key id, so the evidence speaks for this report,
   * this cluster and this key only.
   */
  public static byte[] bindingReportData(Digest reportDigest, Digest clusterId, String signingKey) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-512");
      md.update(
          ("cairn-certificate-v1\n" + reportDigest + "\n" + clusterId + "\n" + signingKey)
              .getBytes(StandardCharsets.UTF_8));
      return md.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
