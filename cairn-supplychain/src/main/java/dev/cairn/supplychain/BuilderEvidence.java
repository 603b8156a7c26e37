package dev.cairn.supplychain;

import dev.cairn.core.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an attested builder backs the measurement its SLSA provenance claims: the names it writes and
 * the report data it binds into its TEE evidence. The pipeline's attested builder writes them;
 * {@link ImageVerifier}'s {@code builder} link reads them back ({@code docs/image-verify.md}).
 *
 * <p>The provenance's {@code runDetails.builder.version} holds {@link #MEASUREMENT_KEY} ({@code
 * sha256:<hex>}) and {@link #TEE_KEY} (the TEE provider's name); {@code runDetails.byproducts}
 * holds one entry named {@link #EVIDENCE_NAME} of media type {@link #EVIDENCE_MEDIA_TYPE}, whose
 * {@code content} is the evidence JSON ({@code dev.cairn.attest.Evidence}) in base64 and whose
 * {@code digest.sha256} is that JSON's. The evidence's report data is {@link #reportData}.
 */
public final class BuilderEvidence {
  /** {@code runDetails.builder.version}'s key for the builder's measurement. */
  public static final String MEASUREMENT_KEY = "cairn.dev/measurement";

  /** {@code runDetails.builder.version}'s key for the TEE provider's name. */
  public static final String TEE_KEY = "cairn.dev/tee";

  /** The name of the byproduct that holds the attested builder's evidence. */
  public static final String EVIDENCE_NAME = "attestation-evidence";

  /**
   * The name of the byproduct that holds the evidence of the measured build: the image was built by
   * the same measured builder that signs it, in the same run, from the same commit.
   */
  public static final String BUILD_EVIDENCE_NAME = "build-evidence";

  /** The media type of that evidence (Cairn's evidence JSON, {@code dev.cairn.attest.Evidence}). */
  public static final String EVIDENCE_MEDIA_TYPE =
      "application/vnd.cairn.attestation-evidence+json";

  private BuilderEvidence() {}

  /**
   * The 64 bytes the attested builder binds into its evidence: {@code SHA-512("cairn-builder-v1\n"
   * || image digest || "\n" || builder key id || "\n" || run id)}, where the key id is {@code
   * sha256:} of the key's SubjectPublicKeyInfo and the run id the provenance's {@code
   * runDetails.metadata.invocationId}. A verifier recomputes it from the provenance's subject, the
   * key that verified the envelope and the invocation id, so evidence cannot be moved to another
   * image, another key or another run.
   */
  public static byte[] reportData(Digest image, Digest builderKeyId, String runId) {
    return sha512("cairn-builder-v1\n" + image + "\n" + builderKeyId + "\n" + runId);
  }

  /**
   * The 64 bytes the measured build binds into its evidence: {@code SHA-512("cairn-build-v1\n" ||
   * image digest || "\n" || run id || "\n" || commit)}, the commit as the provenance's resolved
   * dependency states it ({@code ""} for a working tree). A verifier recomputes it from the
   * provenance's subject, its invocation id and its source commit.
   */
  public static byte[] buildReportData(Digest image, String runId, String commit) {
    return sha512("cairn-build-v1\n" + image + "\n" + runId + "\n" + commit);
  }

  private static byte[] sha512(String text) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }

  /**
   * The {@code runDetails.byproducts} entry carrying {@code evidenceJson}: its name, its digest,
   * its media type and its bytes in base64.
   */
  public static Map<String, Object> byproduct(byte[] evidenceJson) {
    return byproduct(EVIDENCE_NAME, evidenceJson);
  }

  /** As {@link #byproduct(byte[])}, named {@code name}. */
  public static Map<String, Object> byproduct(String name, byte[] evidenceJson) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("digest", Map.of("sha256", Digest.sha256(evidenceJson).hex()));
    m.put("mediaType", EVIDENCE_MEDIA_TYPE);
    m.put("content", Base64.getEncoder().encodeToString(evidenceJson));
    return m;
  }
}
