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
 * the attestation service listens, and one {@link Outcome} line on its stdout. The build step runs
 * the same builder with a {@link BuildTask} instead, which answers {@link Built} after log lines
 * that start with {@code "| "}. Secrets never cross: the builder gets its key from the attestation
 * service, and returns only what it signed.
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
   * Another statement to attest about the image beside its provenance: an SBOM, a vulnerability
   * gate's result. The predicate is a JSON object in a file the run wrote; the builder reads it,
   * checks its digest, and signs the in-toto Statement ({@code Cosign.statement}) of it.
   *
   * @param predicateType the statement's {@code predicateType}
   * @param path the predicate's file (absolute)
   * @param digest the file's sha256, as the run recorded it
   */
  public record Extra(String predicateType, String path, Digest digest) {
    public Extra {
      if (predicateType.isEmpty()) {
        throw new IllegalArgumentException("an extra statement needs its predicate type");
      }
      if (!java.nio.file.Path.of(path).isAbsolute()) {
        throw new IllegalArgumentException("an extra statement's path is not absolute: " + path);
      }
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
   * @param buildEvidence the evidence JSON of the measured build ({@link Built#evidence}), or
   *     {@code ""} when the image was built outside the builder
   * @param extras the other statements to attest (the run's SBOM, its vulnerability gate's result),
   *     each signed by the same key as the provenance
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
      Instant startedOn,
      String buildEvidence,
      List<Extra> extras) {
    public Task {
      dependencies = List.copyOf(dependencies);
      extras = List.copyOf(extras);
      if (!java.nio.file.Path.of(home).isAbsolute()) {
        // the builder's TEE state is in Cairn's home: never wherever it happens to start
        throw new IllegalArgumentException("the task's home is not an absolute path: " + home);
      }
    }
  }

  /**
   * What to build, for the build step's run of the builder: a Dockerfile ({@code tool} {@code
   * dockerfile}) or a Maven or Gradle project ({@code maven}, {@code gradle}) with no Dockerfile.
   * Paths are absolute; no secret is in it (base images on the pipeline's registry were pulled by
   * the build step into {@code baseArchives}).
   *
   * @param home Cairn's home (the simulated platform's state)
   * @param runId the run, bound into the build's evidence
   * @param commit the commit built ({@code ""} for a working tree), bound into the evidence
   * @param tool {@code dockerfile}, {@code maven} or {@code gradle}
   * @param context the build context, or the Java project's directory
   * @param dockerfile the Dockerfile ({@code ""} for a Java project)
   * @param args build arguments
   * @param target the stage to build ({@code ""}: the last)
   * @param baseArchives base images as local archives, by the reference that names them
   * @param work the build's working directory
   * @param archive where the OCI image layout (tar) goes
   * @param baseImage a Java project's base image ({@code ""} for a Dockerfile)
   * @param wrapperArgs a Java project's wrapper arguments
   * @param mainClass a Java project's main class ({@code ""}: found by the build)
   * @param layout {@code classes} or {@code jar}
   * @param environment the step's environment for the wrapper (never secrets)
   * @param timeoutSeconds the longest a Java project's wrapper may run
   */
  public record BuildTask(
      String home,
      String runId,
      String commit,
      String tool,
      String context,
      String dockerfile,
      Map<String, String> args,
      String target,
      Map<String, String> baseArchives,
      String work,
      String archive,
      String baseImage,
      List<String> wrapperArgs,
      String mainClass,
      String layout,
      Map<String, String> environment,
      long timeoutSeconds) {
    public BuildTask {
      args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
      baseArchives = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(baseArchives));
      wrapperArgs = List.copyOf(wrapperArgs);
      environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
      if (!List.of("dockerfile", "maven", "gradle").contains(tool)) {
        throw new IllegalArgumentException("unknown build tool " + tool);
      }
      for (String p : List.of(home, context, work, archive)) {
        if (!java.nio.file.Path.of(p).isAbsolute()) {
          throw new IllegalArgumentException("the build task's paths must be absolute: " + p);
        }
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
   * @param extras the DSSE envelopes of the task's {@link Task#extras}, in their order
   */
  public record Signed(
      Digest measurement,
      String tee,
      String signature,
      String envelope,
      Digest evidence,
      List<String> extras)
      implements Outcome {
    public Signed {
      extras = List.copyOf(extras);
    }
  }

  /**
   * Built.
   *
   * @param measurement the builder's measurement, as its evidence states it
   * @param tee the TEE provider's name
   * @param image the digest of the image written to the task's archive
   * @param builder which builder made it ({@code jib}, {@code buildah}, {@code maven+jib}, …)
   * @param evidence the TEE evidence JSON bound to the image, the run and the commit
   */
  public record Built(Digest measurement, String tee, Digest image, String builder, String evidence)
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
    m.put("buildEvidence", t.buildEvidence());
    List<Object> extras = new ArrayList<>();
    for (Extra e : t.extras()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("predicateType", e.predicateType());
      x.put("path", e.path());
      x.put("digest", e.digest().toString());
      extras.add(x);
    }
    m.put("extras", extras);
    return Json.canonical(m);
  }

  public static String encode(BuildTask t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", "build");
    m.put("home", t.home());
    m.put("runId", t.runId());
    m.put("commit", t.commit());
    m.put("tool", t.tool());
    m.put("context", t.context());
    m.put("dockerfile", t.dockerfile());
    m.put("args", t.args());
    m.put("target", t.target());
    m.put("baseArchives", t.baseArchives());
    m.put("work", t.work());
    m.put("archive", t.archive());
    m.put("baseImage", t.baseImage());
    m.put("wrapperArgs", t.wrapperArgs());
    m.put("mainClass", t.mainClass());
    m.put("layout", t.layout());
    m.put("environment", t.environment());
    m.put("timeoutSeconds", t.timeoutSeconds());
    return Json.canonical(m);
  }

  /** Whether the task on the command line is a {@link BuildTask} (else a {@link Task}). */
  public static boolean isBuild(String json) {
    return "build".equals(tree(json).get("task"));
  }

  public static BuildTask decodeBuildTask(String json) {
    Map<String, Object> n = tree(json);
    if (!(req(n, "timeoutSeconds") instanceof Number timeout)) {
      throw new IllegalArgumentException("'timeoutSeconds' is not a number");
    }
    List<String> wrapperArgs = new ArrayList<>();
    for (Object o : list(n, "wrapperArgs")) {
      if (!(o instanceof String s)) {
        throw new IllegalArgumentException("'wrapperArgs' holds a non-string");
      }
      wrapperArgs.add(s);
    }
    return new BuildTask(
        text(n, "home"),
        text(n, "runId"),
        text(n, "commit"),
        text(n, "tool"),
        text(n, "context"),
        text(n, "dockerfile"),
        strings(n, "args"),
        text(n, "target"),
        strings(n, "baseArchives"),
        text(n, "work"),
        text(n, "archive"),
        text(n, "baseImage"),
        wrapperArgs,
        text(n, "mainClass"),
        text(n, "layout"),
        strings(n, "environment"),
        timeout.longValue());
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
    List<Extra> extras = new ArrayList<>();
    for (Object o : list(n, "extras")) {
      if (!(o instanceof Map<?, ?> x)) {
        throw new IllegalArgumentException("an extra is {predicateType, path, digest}");
      }
      extras.add(
          new Extra(text(x, "predicateType"), text(x, "path"), Digest.parse(text(x, "digest"))));
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
        Instant.parse(text(n, "startedOn")),
        text(n, "buildEvidence"),
        extras);
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
        m.put("extras", s.extras());
      }
      case Built b -> {
        m.put("status", "built");
        m.put("measurement", b.measurement().toString());
        m.put("tee", b.tee());
        m.put("image", b.image().toString());
        m.put("builder", b.builder());
        m.put("evidence", b.evidence());
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
              Digest.parse(text(n, "evidence")),
              list(n, "extras").stream()
                  .map(
                      o -> {
                        if (!(o instanceof String e)) {
                          throw new IllegalArgumentException("'extras' holds a non-string");
                        }
                        return e;
                      })
                  .toList());
      case "built" ->
          new Built(
              Digest.parse(text(n, "measurement")),
              text(n, "tee"),
              Digest.parse(text(n, "image")),
              text(n, "builder"),
              text(n, "evidence"));
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

  private static Map<String, String> strings(Map<?, ?> n, String field) {
    if (!(req(n, field) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("'" + field + "' is not an object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String v)) {
        throw new IllegalArgumentException("'" + field + "." + e.getKey() + "' is not a string");
      }
      out.put(String.valueOf(e.getKey()), v);
    }
    return out;
  }

  private static List<?> list(Map<?, ?> n, String field) {
    if (req(n, field) instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException("'" + field + "' is not a list");
  }
}
