package dev.cairn.pipeline.steps.internal;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.BuilderEvidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SLSA v1 provenance predicate of a pipeline run, one form for both builders: the local one
 * (the pipeline's own key, outside any TEE) and the attested one (a measured workload), which also
 * states its measurement, its TEE and its attestation evidence (the names and the report data are
 * {@link BuilderEvidence}'s, which the image verifier reads back).
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

  private Provenance() {}

  /** The local builder, as {@code runDetails.builder} states it. */
  public static Map<String, Object> localBuilder() {
    return Map.of("id", LOCAL_BUILDER);
  }

  /** The attested builder with {@code measurement} in TEE {@code tee}. */
  public static Map<String, Object> attestedBuilder(Digest measurement, String tee) {
    Map<String, Object> version = new LinkedHashMap<>();
    version.put(BuilderEvidence.MEASUREMENT_KEY, measurement.toString());
    version.put(BuilderEvidence.TEE_KEY, tee);
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("id", ATTESTED_BUILDER);
    b.put("version", version);
    return b;
  }

  /** The byproduct carrying the evidence (its JSON bytes, their digest and media type). */
  public static Map<String, Object> evidence(byte[] evidenceJson) {
    return BuilderEvidence.byproduct(evidenceJson);
  }

  /**
   * The attested builder's byproducts: the evidence of its signing, and the evidence of the
   * measured build ({@code buildEvidence}, when the image was built by the builder too).
   */
  public static List<Map<String, Object>> byproducts(byte[] evidenceJson, String buildEvidence) {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(evidence(evidenceJson));
    if (!buildEvidence.isEmpty()) {
      out.add(
          BuilderEvidence.byproduct(
              BuilderEvidence.BUILD_EVIDENCE_NAME,
              buildEvidence.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
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
