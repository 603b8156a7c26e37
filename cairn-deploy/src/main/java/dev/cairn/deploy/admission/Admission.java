package dev.cairn.deploy.admission;

import dev.cairn.certify.CertifyException;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.deploy.VulnPolicy;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.ImageVerifyRequest;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.OciClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The webhook's judgement ({@code docs/admission.md}): an AdmissionReview v1 in, an AdmissionReview
 * v1 out. It denies a Pod, or a workload whose pod template (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job, CronJob) holds a container, init container or ephemeral
 * container whose image
 *
 * <ul>
 *   <li>is given by tag, not by digest ({@code … is by tag}), or
 *   <li>does not verify with {@link ImageVerifier} against the trust root: Cairn's signature and
 *       SLSA provenance from a builder the trust root lists ({@code … not verified: LINK: …}), or
 *   <li>with a {@link VulnPolicy} configured, has no attested vulnerability-gate result within it
 *       ({@code … refused: vulnerabilities.REASON: …}), judged by the deploy gate's code;
 * </ul>
 *
 * and, when a cluster certificate is configured, denies everything while that certificate does not
 * verify ({@link Verifier}: expired, revoked, another cluster's): {@code cluster certificate not
 * valid: LINK: …}. It fails closed: a review it cannot read, an object of a kind it does not judge,
 * an error of its own, or a decision that does not finish within the deadline is a denial that says
 * so. Results are cached per image digest (and for the certificate) for a short time, so that a
 * decision on known images takes microseconds and the API server's timeout is met; a registry that
 * could not be read is not cached.
 *
 * <p>Thread-safe: the server calls it from many threads.
 */
public final class Admission implements AutoCloseable {
  /** The kinds judged, with the path to their pod spec. */
  static final Map<String, List<String>> POD_SPEC =
      Map.of(
          "Pod", List.of("spec"),
          "Deployment", List.of("spec", "template", "spec"),
          "StatefulSet", List.of("spec", "template", "spec"),
          "DaemonSet", List.of("spec", "template", "spec"),
          "ReplicaSet", List.of("spec", "template", "spec"),
          "ReplicationController", List.of("spec", "template", "spec"),
          "Job", List.of("spec", "template", "spec"),
          "CronJob", List.of("spec", "jobTemplate", "spec", "template", "spec"));

  private static final List<String> CONTAINER_FIELDS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private final TrustRoot trustRoot;
  private final OciClient registries;
  private final @Nullable Verifier certVerifier;
  private final @Nullable VerifyRequest certRequest;
  private final @Nullable VulnPolicy vulnerabilities;
  private final Duration cacheTtl;
  private final Duration deadline;
  private final Clock clock;
  private final ImageVerifier imageVerifier;
  private final Map<String, Cached<ImageVerifyResult>> images = new ConcurrentHashMap<>();
  private volatile @Nullable Cached<VerifyResult> certificate;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

  private record Cached<T>(T value, Instant until) {}

  private Admission(Builder b) {
    this.trustRoot = b.trustRoot;
    this.registries = b.registries;
    this.certVerifier = b.certVerifier;
    this.certRequest = b.certRequest;
    this.vulnerabilities = b.vulnerabilities;
    this.cacheTtl = b.cacheTtl;
    this.deadline = b.deadline;
    this.clock = b.clock;
    this.imageVerifier = ImageVerifier.create(clock);
  }

  /**
   * A webhook judging images against {@code trustRoot}, reading their signatures and provenance
   * through {@code registries}.
   */
  public static Builder builder(TrustRoot trustRoot, OciClient registries) {
    return new Builder(trustRoot, registries);
  }

  /** The webhook's options. */
  public static final class Builder {
    private final TrustRoot trustRoot;
    private final OciClient registries;
    private @Nullable Verifier certVerifier;
    private @Nullable VerifyRequest certRequest;
    private @Nullable VulnPolicy vulnerabilities;
    private Duration cacheTtl = Duration.ofSeconds(60);
    private Duration deadline = Duration.ofSeconds(8);
    private Clock clock = Clock.systemUTC();

    private Builder(TrustRoot trustRoot, OciClient registries) {
      this.trustRoot = Objects.requireNonNull(trustRoot);
      this.registries = Objects.requireNonNull(registries);
    }

    /**
     * Also deny everything while this certificate does not verify: the request says which
     * certificate, trust root and ledger, and (with a kubeconfig and the live identity required)
     * that it is this cluster's.
     */
    public Builder clusterCertificate(Verifier verifier, VerifyRequest request) {
      this.certVerifier = verifier;
      this.certRequest = request;
      return this;
    }

    /**
     * Also demand of each image its attested vulnerability-gate result under {@code policy}, as the
     * deploy gate does for a target ({@link VulnPolicy#judge}): {@code … vulnerabilities.REASON:
     * …}. Judged on every decision (the image's verification is cached, not the judgement, so a
     * database that grows too old refuses from then on).
     */
    public Builder vulnerabilities(VulnPolicy policy) {
      this.vulnerabilities = Objects.requireNonNull(policy);
      return this;
    }

    /** How long a verification result is reused (default 60 s; zero: never). */
    public Builder cacheTtl(Duration ttl) {
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("a cache TTL is not negative: " + ttl);
      }
      this.cacheTtl = ttl;
      return this;
    }

    /**
     * How long one decision may take before it is a denial (default 8 s, under the API server's
     * default timeout of 10 s).
     */
    public Builder deadline(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("a deadline is positive: " + d);
      }
      this.deadline = d;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Admission build() {
      return new Admission(this);
    }
  }

  /**
   * Answers one AdmissionReview (JSON). Never throws: what it cannot judge it denies, saying why.
   *
   * @return the AdmissionReview v1 response (JSON), or empty when the document is not an
   *     AdmissionReview with a request uid to answer
   */
  public java.util.Optional<String> review(String admissionReview) {
    Map<String, Object> doc;
    try {
      doc = Json.parseObject(admissionReview);
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
    if (!(doc.get("request") instanceof Map<?, ?> request)
        || !(request.get("uid") instanceof String uid)) {
      return java.util.Optional.empty();
    }
    Decision d;
    if (!"admission.k8s.io/v1".equals(doc.get("apiVersion"))) {
      d =
          Decision.deny(
              "the review",
              List.of(
                  "not an AdmissionReview v1 (apiVersion "
                      + doc.get("apiVersion")
                      + "); configure admissionReviewVersions [v1]"));
    } else {
      d = decideWithin(request);
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", uid);
    response.put("allowed", d.allowed());
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("code", d.allowed() ? 200 : 403);
    status.put("message", d.message());
    if (!d.allowed()) {
      status.put("reason", "Forbidden");
    }
    response.put("status", status);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    out.put("response", response);
    return java.util.Optional.of(Json.canonical(out));
  }

  /** Decides on an AdmissionReview's {@code request}, within the deadline. */
  public Decision decideWithin(Map<?, ?> request) {
    Future<Decision> f = workers.submit(() -> decide(request));
    try {
      return f.get(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return Decision.deny(
          subject(request),
          List.of(
              "the decision did not finish within "
                  + deadline.toMillis()
                  + " ms (fail closed); the registry or the ledger may be slow, try again"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Decision.deny(subject(request), List.of("internal error (fail closed): interrupted"));
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      return Decision.deny(
          subject(request),
          List.of(
              "internal error (fail closed): "
                  + c.getClass().getSimpleName()
                  + ": "
                  + c.getMessage()));
    }
  }

  /** Decides on an AdmissionReview's {@code request}, however long it takes. */
  public Decision decide(Map<?, ?> request) {
    String subject = subject(request);
    Object op = request.get("operation");
    if (!"CREATE".equals(op) && !"UPDATE".equals(op)) {
      return Decision.allow("cairn admission: " + op + " is not judged");
    }
    String kind = kind(request);
    List<String> path = POD_SPEC.get(kind);
    if (path == null) {
      return Decision.deny(
          subject,
          List.of(
              "kind "
                  + kind
                  + " is not one the webhook judges (fail closed); render the webhook's"
                  + " configuration again"));
    }
    Object object = request.get("object");
    if (!(object instanceof Map<?, ?>)) {
      return Decision.deny(subject, List.of("the review carries no object (fail closed)"));
    }
    Map<String, String> images = images(object, path);
    if ("UPDATE".equals(op)
        && request.get("oldObject") instanceof Map<?, ?> old
        && Set.copyOf(images(old, path).values()).containsAll(images.values())) {
      return Decision.allow("cairn admission: no new image");
    }
    List<String> reasons = new ArrayList<>();
    if (certVerifier != null && certRequest != null) {
      VerifyResult r = certificate(certVerifier, certRequest, reasons);
      if (r instanceof VerifyResult.NotVerified n) {
        reasons.add("cluster certificate not valid: " + n.link() + ": " + n.message());
      }
    }
    Map<String, ImageVerifyResult> byRef = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : images.entrySet()) {
      String where = e.getKey();
      String text = e.getValue();
      ImageRef ref;
      try {
        ref = ImageRef.parse(text);
      } catch (CairnException ex) {
        reasons.add(where + ": image " + quote(text) + " is not an image reference");
        continue;
      }
      if (ref.digest() == null) {
        reasons.add(
            where
                + ": image "
                + text.strip()
                + " is by tag; an enforced namespace admits images by digest only"
                + " (repository@sha256:...)");
        continue;
      }
      ImageVerifyResult r = byRef.get(ref.toString());
      if (r == null) {
        try {
          r = verify(ref);
        } catch (CairnException ex) {
          reasons.add(where + ": image " + ref + " could not be verified: " + ex.getMessage());
          continue;
        }
        byRef.put(ref.toString(), r);
      }
      if (r instanceof ImageVerifyResult.NotVerified n) {
        reasons.add(where + ": image " + ref + " not verified: " + n.link() + ": " + n.message());
      } else if (r instanceof ImageVerifyResult.Verified v && vulnerabilities != null) {
        for (VulnPolicy.Breach b : vulnerabilities.judge(v, clock.instant())) {
          reasons.add(where + ": image " + ref + " refused: " + b.reason() + ": " + b.message());
        }
      }
    }
    if (!reasons.isEmpty()) {
      return Decision.deny(subject, reasons);
    }
    return Decision.allow(
        "cairn admission: "
            + images.size()
            + (images.size() == 1 ? " image" : " images")
            + " verified"
            + (vulnerabilities != null ? ", vulnerabilities within policy" : "")
            + (certVerifier != null ? ", cluster certificate valid" : ""));
  }

  private @Nullable VerifyResult certificate(
      Verifier verifier, VerifyRequest request, List<String> reasons) {
    Instant now = clock.instant();
    Cached<VerifyResult> c = certificate;
    if (c != null && now.isBefore(c.until())) {
      return c.value();
    }
    try {
      VerifyResult r = verifier.verify(request);
      certificate = new Cached<>(r, now.plus(cacheTtl));
      return r;
    } catch (CertifyException e) {
      reasons.add("cluster certificate could not be verified: " + e.getMessage());
      return null;
    }
  }

  private ImageVerifyResult verify(ImageRef ref) throws CairnException {
    String key = ref.toString();
    Instant now = clock.instant();
    Cached<ImageVerifyResult> c = images.get(key);
    if (c != null && now.isBefore(c.until())) {
      return c.value();
    }
    ImageVerifyResult r =
        imageVerifier.verify(
            ImageVerifyRequest.of(
                ref, trustRoot, new ImageVerifyRequest.Source.Registry(registries)));
    if (!(r instanceof ImageVerifyResult.NotVerified n && n.link().equals("registry"))
        && !cacheTtl.isZero()) {
      images.put(key, new Cached<>(r, now.plus(cacheTtl)));
      if (images.size() > 10_000) {
        images.entrySet().removeIf(en -> !now.isBefore(en.getValue().until()));
      }
    }
    return r;
  }

  /**
   * The images of an object: {@code container "NAME"} (or init container, ephemeral container) →
   * its image, in the order of the spec.
   */
  static Map<String, String> images(Object object, List<String> path) {
    Object spec = object;
    for (String p : path) {
      spec = spec instanceof Map<?, ?> m ? m.get(p) : null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (!(spec instanceof Map<?, ?> s)) {
      return out;
    }
    for (String field : CONTAINER_FIELDS) {
      if (s.get(field) instanceof List<?> list) {
        String label =
            switch (field) {
              case "initContainers" -> "init container";
              case "ephemeralContainers" -> "ephemeral container";
              default -> "container";
            };
        int i = 0;
        for (Object o : list) {
          if (o instanceof Map<?, ?> c) {
            String name = c.get("name") instanceof String n ? n : "#" + i;
            out.put(label + " " + quote(name), c.get("image") instanceof String im ? im : "");
          }
          i++;
        }
      }
    }
    return out;
  }

  private static String kind(Map<?, ?> request) {
    return request.get("kind") instanceof Map<?, ?> k && k.get("kind") instanceof String s
        ? s
        : "?";
  }

  static String subject(Map<?, ?> request) {
    String ns = request.get("namespace") instanceof String s ? s : "";
    String name = request.get("name") instanceof String s && !s.isEmpty() ? s : null;
    if (name == null
        && request.get("object") instanceof Map<?, ?> o
        && o.get("metadata") instanceof Map<?, ?> md) {
      name =
          md.get("name") instanceof String s && !s.isEmpty()
              ? s
              : md.get("generateName") instanceof String g ? g + "*" : null;
    }
    return kind(request) + " " + (ns.isEmpty() ? "" : ns + "/") + (name == null ? "?" : name);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Stops the decisions' worker threads. */
  @Override
  public void close() {
    workers.shutdownNow();
  }

  /** The number of image results held (for measurements). */
  int cachedImages() {
    return images.size();
  }

  Set<String> cachedKeys() {
    return new LinkedHashSet<>(images.keySet());
  }
}
