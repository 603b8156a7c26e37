package dev.cairn.pipeline.steps.internal;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the sign step and its measured builder say to each other, as typed records with one codec
 * (the shape of cairn-certify's protocol with its workload): the {@link Task} on the workload's
 * command line (the facts of the run, no secrets in it), the {@link Instructions} on its stdin once
 * the attestation service listens, and one {@link Outcome} line on its stdout. Secrets never cross:
 * the builder gets its key from the attestation service, and returns only what it signed.
 */
public final class BuilderProtocol {
  private BuilderProtocol() {}

  /**
   * A resolved dependency of the build: what it is and its digests ({@code gitCommit} of a
   * checkout, {@code sha256} of a base image's manifest).
   */
  public record Dependency(String uri, Map<String, String> digest) {
    public Dependency {
      digest = java.util.Collections.unmodifiableMap(new TreeMap<>(digest));
    }
  }

  /**
   * What to sign: the image, and the facts of the run its provenance states.
   *
   * @param home Cairn's home (the simulated platform's state)
   * @param image {@code registry/repository@sha256:…}
   * @param runId the run (the provenance's invocation id)
   * @param repository the source repository
   * @param ref the ref that was pushed (may be empty)
   * @param commit the commit built (empty for a working tree)
   * @param pipeline where the pipeline file was read
   * @param pipelineDigest the pipeline file's digest
   * @param trigger what started the run ({@code manual}, {@code github}, …)
   * @param dependencies the source and base images, by digest
   * @param startedOn when the run's build started
   */
  public record Task(
      String home,
      String image,
      String runId,
      String repository,
      String ref,
      String commit,
      String pipeline,
      Digest pipelineDigest,
      String trigger,
      List<Dependency> dependencies,
      Instant startedOn) {
    public Task {
      dependencies = List.copyOf(dependencies);
      if (!java.nio.file.Path.of(home).isAbsolute()) {
        // the builder's TEE state is in Cairn's home: never wherever it happens to start
        throw new IllegalArgumentException("the task's home is not an absolute path: " + home);
      }
    }
  }

  /**
   * Where and as what to attest, and the public half of the key the service releases (SPKI DER,
   * base64), which the builder checks what it is given against.
   */
  public record Instructions(
      String attest, String session, String service, Digest policy, String builderKey) {}

  /** How the builder ended. */
  public sealed interface Outcome {}

  /**
   * Signed.
   *
   * @param measurement the builder's measurement, as its evidence states it
   * @param tee the TEE provider's name
   * @param signature base64 of the ECDSA signature over cosign's simple-signing payload of the
   *     image
   * @param envelope the DSSE envelope of the SLSA provenance Statement
   * @param evidence the digest of the attestation evidence the provenance carries
   */
  public record Signed(
      Digest measurement, String tee, String signature, String envelope, Digest evidence)
      implements Outcome {}

  /** The builder could not sign (refused its key, or failed): one line, no secret in it. */
  public record Error(String message) implements Outcome {}

  // ------------------------------------------------------------------------------- the codec

  public static String encode(Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("home", t.home());
    m.put("image", t.image());
    m.put("runId", t.runId());
    m.put("repository", t.repository());
    m.put("ref", t.ref());
    m.put("commit", t.commit());
    m.put("pipeline", t.pipeline());
    m.put("pipelineDigest", t.pipelineDigest().toString());
    m.put("trigger", t.trigger());
    List<Object> deps = new ArrayList<>();
    for (Dependency d : t.dependencies()) {
      deps.add(Map.of("uri", d.uri(), "digest", d.digest()));
    }
    m.put("dependencies", deps);
    m.put("startedOn", t.startedOn().toString());
    return Json.canonical(m);
  }

  public static Task decodeTask(String json) {
    Map<String, Object> n = tree(json);
    List<Dependency> deps = new ArrayList<>();
    for (Object o : list(n, "dependencies")) {
      Map<String, String> digest = new TreeMap<>();
      if (!(o instanceof Map<?, ?> d) || !(d.get("digest") instanceof Map<?, ?> dm)) {
        throw new IllegalArgumentException("a dependency is {uri, digest}");
      }
      dm.forEach((k, v) -> digest.put(String.valueOf(k), String.valueOf(v)));
      deps.add(new Dependency(text(d, "uri"), digest));
    }
    return new Task(
        text(n, "home"),
        text(n, "image"),
        text(n, "runId"),
        text(n, "repository"),
        text(n, "ref"),
        text(n, "commit"),
        text(n, "pipeline"),
        Digest.parse(text(n, "pipelineDigest")),
        text(n, "trigger"),
        deps,
        Instant.parse(text(n, "startedOn")));
  }

  public static String encode(Instructions i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("attest", i.attest());
    m.put("session", i.session());
    m.put("service", i.service());
    m.put("policy", i.policy().toString());
    m.put("builderKey", i.builderKey());
    return Json.canonical(m);
  }

  public static Instructions decodeInstructions(String json) {
    Map<String, Object> n = tree(json);
    return new Instructions(
        text(n, "attest"),
        text(n, "session"),
        text(n, "service"),
        Digest.parse(text(n, "policy")),
        text(n, "builderKey"));
  }

  public static String encode(Outcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (o) {
      case Signed s -> {
        m.put("status", "signed");
        m.put("measurement", s.measurement().toString());
        m.put("tee", s.tee());
        m.put("signature", s.signature());
        m.put("envelope", s.envelope());
        m.put("evidence", s.evidence().toString());
      }
      case Error e -> {
        m.put("status", "error");
        m.put("error", e.message());
      }
    }
    return Json.canonical(m);
  }

  public static Outcome decodeOutcome(String json) {
    Map<String, Object> n = tree(json);
    return switch (text(n, "status")) {
      case "signed" ->
          new Signed(
              Digest.parse(text(n, "measurement")),
              text(n, "tee"),
              text(n, "signature"),
              text(n, "envelope"),
              Digest.parse(text(n, "evidence")));
      case "error" -> new Error(text(n, "error"));
      default -> throw new IllegalArgumentException("unknown status " + text(n, "status"));
    };
  }

  private static Map<String, Object> tree(String json) {
    try {
      return Json.parseObject(json);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
  }

  private static Object req(Map<?, ?> n, String field) {
    Object v = n.get(field);
    if (v == null) {
      throw new IllegalArgumentException("missing '" + field + "'");
    }
    return v;
  }

  private static String text(Map<?, ?> n, String field) {
    if (req(n, field) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("'" + field + "' is not a string");
  }

  private static List<?> list(Map<?, ?> n, String field) {
    if (req(n, field) instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException("'" + field + "' is not a list");
  }
}
