package dev.cairn.pipeline.steps.internal;

import dev.cairn.core.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SLSA v1 provenance predicate of a pipeline run, one form for both builders: the local one
 * (the pipeline's own key, outside any TEE) and the attested one (a measured workload), which also
 * states its measurement, its TEE and its attestation evidence.
 */
public final class Provenance {
  /** The SLSA v1 provenance predicate type. */
  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";

  /** The builder id of provenance signed by a pipeline's own key, outside any TEE. */
  public static final String LOCAL_BUILDER = "https://cairn.dev/builder/local/v1";

  /**
   * The builder id of provenance signed by the attested builder: a measured workload that received
   * its key from the attestation service because its measurement matched the policy.
   */
  public static final String ATTESTED_BUILDER = "https://cairn.dev/builder/attested/v1";

  /** The build type of Cairn's pipeline runs. */
  public static final String BUILD_TYPE = "https://cairn.dev/pipeline/run/v1";

  /** {@code runDetails.builder.version}'s key for the builder's measurement. */
  public static final String MEASUREMENT_KEY = "cairn.dev/measurement";

  /** {@code runDetails.builder.version}'s key for the TEE provider's name. */
  public static final String TEE_KEY = "cairn.dev/tee";

  /** The name of the byproduct that holds the attested builder's evidence. */
  public static final String EVIDENCE_NAME = "attestation-evidence";

  /** The media type of that evidence (Cairn's evidence JSON, {@code dev.cairn.attest.Evidence}). */
  public static final String EVIDENCE_MEDIA_TYPE =
      "application/vnd.cairn.attestation-evidence+json";

  private Provenance() {}

  /** The local builder, as {@code runDetails.builder} states it. */
  public static Map<String, Object> localBuilder() {
    return Map.of("id", LOCAL_BUILDER);
  }

  /** The attested builder with {@code measurement} in TEE {@code tee}. */
  public static Map<String, Object> attestedBuilder(Digest measurement, String tee) {
    Map<String, Object> version = new LinkedHashMap<>();
    version.put(MEASUREMENT_KEY, measurement.toString());
    version.put(TEE_KEY, tee);
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("id", ATTESTED_BUILDER);
    b.put("version", version);
    return b;
  }

  /** The byproduct carrying the evidence (its JSON bytes, their digest and media type). */
  public static Map<String, Object> evidence(byte[] evidenceJson) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", EVIDENCE_NAME);
    m.put("digest", Map.of("sha256", Digest.sha256(evidenceJson).hex()));
    m.put("mediaType", EVIDENCE_MEDIA_TYPE);
    m.put("content", java.util.Base64.getEncoder().encodeToString(evidenceJson));
    return m;
  }

  /**
   * The 64 bytes the attested builder binds into its evidence: {@code SHA-512("cairn-builder-v1\n"
   * || image digest || "\n" || builder key id || "\n" || run id)}, where the key id is {@code
   * sha256:} of the key's SubjectPublicKeyInfo. A verifier recomputes it from the provenance's
   * subject, the key that verified the envelope and the invocation id.
   */
  public static byte[] reportData(Digest image, Digest builderKeyId, String runId) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-512");
      md.update(
          ("cairn-builder-v1\n" + image + "\n" + builderKeyId + "\n" + runId)
              .getBytes(StandardCharsets.UTF_8));
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }

  /**
   * The predicate: the run's facts from {@code task}, {@code builder}, {@code byproducts} (may be
   * empty) and the time the signing finished.
   */
  public static Map<String, Object> predicate(
      BuilderProtocol.Task task,
      Map<String, Object> builder,
      List<Map<String, Object>> byproducts,
      Instant finishedOn) {
    Map<String, Object> external = new LinkedHashMap<>();
    external.put("repository", task.repository());
    external.put("ref", task.ref());
    external.put("pipeline", task.pipeline());
    external.put("pipelineDigest", task.pipelineDigest().toString());
    List<Object> deps = new ArrayList<>();
    for (BuilderProtocol.Dependency d : task.dependencies()) {
      Map<String, Object> dep = new LinkedHashMap<>();
      dep.put("uri", d.uri());
      if (!d.digest().isEmpty()) {
        dep.put("digest", d.digest());
      }
      deps.add(dep);
    }
    Map<String, Object> definition = new LinkedHashMap<>();
    definition.put("buildType", BUILD_TYPE);
    definition.put("externalParameters", external);
    definition.put("internalParameters", Map.of("trigger", task.trigger()));
    definition.put("resolvedDependencies", deps);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("invocationId", task.runId());
    metadata.put("startedOn", task.startedOn().toString());
    metadata.put("finishedOn", finishedOn.toString());
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("builder", builder);
    run.put("metadata", metadata);
    if (!byproducts.isEmpty()) {
      run.put("byproducts", List.copyOf(byproducts));
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("buildDefinition", definition);
    p.put("runDetails", run);
    return p;
  }
}
