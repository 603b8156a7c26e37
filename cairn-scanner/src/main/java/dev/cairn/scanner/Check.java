package dev.cairn.scanner;

import dev.cairn.core.SourceLocation;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One compliance check, in Marvin's format: a CEL program over Kubernetes objects.
 *
 * @param id unique id, e.g. {@code CRN-101} or Marvin's {@code M-101}
 * @param slug short name, optional
 * @param severity how bad a failure is
 * @param message the title of the check
 * @param description longer explanation, optional
 * @param remediation how to fix a failure, optional
 * @param match resources the check applies to
 * @param params parameters the expressions see as {@code params}
 * @param variables named expressions the validations see as {@code variables.<name>}
 * @param validations all must hold for an object to pass
 * @param labels free-form; framework ids live here (see {@link #frameworks()})
 * @param origin where the check came from: {@code builtin:...} or a file path
 * @param location where its definition starts
 * @param collections a Cairn extension: the collections of the cluster the check relates its
 *     objects to ({@code namespaces}, {@code networkpolicies}, {@code rbac}, ...; see {@link
 *     ClusterCollections}), each a CEL variable of that name; empty for a check on one object at a
 *     time
 * @param manual a Cairn extension: why the control this check stands for cannot be decided from the
 *     Kubernetes API (then it has no validations and its result is {@code manual}); null otherwise
 */
public record Check(
    String id,
    @Nullable String slug,
    Severity severity,
    String message,
    @Nullable String description,
    @Nullable String remediation,
    List<ResourceRule> match,
    Map<String, Object> params,
    List<Variable> variables,
    List<Validation> validations,
    Map<String, String> labels,
    String origin,
    SourceLocation location,
    List<String> collections,
    @Nullable String manual) {

  /** Label keys that map a check to frameworks. */
  public static final String LABEL_PSS = "pss";

  public static final String LABEL_NSA_CISA = "nsa-cisa";
  public static final String LABEL_MITRE = "mitre";
  public static final String LABEL_CIS = "cis";
  public static final String LABEL_BEST_PRACTICE = "best-practice";

  /** The PSS control a check implements, as the Pod Security Standards page names it. */
  public static final String LABEL_PSS_CONTROL = "pss-control";

  /**
   * The PSS version ({@code v1.N}) that introduced the check: it is left out of a {@link CheckSet}
   * for an older {@link PssVersion}, as pod-security-admission does not run it there.
   */
  public static final String LABEL_PSS_SINCE = "pss-since";

  /** For people: what later PSS versions changed in the check ({@code pssVersion} in its CEL). */
  public static final String LABEL_PSS_CHANGES = "pss-changes";

  public Check {
    match = List.copyOf(match);
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    variables = List.copyOf(variables);
    validations = List.copyOf(validations);
    labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    collections = List.copyOf(collections);
    for (String c : collections) {
      if (!ClusterCollections.isKnown(c)) {
        throw new IllegalArgumentException(id + ": unknown collection '" + c + "'");
      }
    }
    String since = labels.get(LABEL_PSS_SINCE);
    if (since != null && PssVersion.parse(since).isEmpty()) {
      throw new IllegalArgumentException(
          id + ": label " + LABEL_PSS_SINCE + " must be v1.N (at most " + PssVersion.LATEST + ")");
    }
  }

  /** A check on one object at a time, that the Kubernetes API can decide (Marvin's format). */
  public Check(
      String id,
      @Nullable String slug,
      Severity severity,
      String message,
      @Nullable String description,
      @Nullable String remediation,
      List<ResourceRule> match,
      Map<String, Object> params,
      List<Variable> variables,
      List<Validation> validations,
      Map<String, String> labels,
      String origin,
      SourceLocation location) {
    this(
        id,
        slug,
        severity,
        message,
        description,
        remediation,
        match,
        params,
        variables,
        validations,
        labels,
        origin,
        location,
        List.of(),
        null);
  }

  /** True when the check relates its objects to collections of the cluster. */
  public boolean relational() {
    return !collections.isEmpty();
  }

  /** True when the control cannot be decided from the API ({@link #manual()} says why). */
  public boolean isManual() {
    return manual != null;
  }

  /**
   * Every resource the check reads: those it matches and those of its collections (what a cluster
   * scan lists, and what the scanning user must be allowed to read).
   */
  public List<ResourceRule> reads() {
    if (collections.isEmpty()) {
      return match;
    }
    java.util.Set<ResourceRule> out = new java.util.LinkedHashSet<>(match);
    for (String c : collections) {
      out.addAll(ClusterCollections.resources(c));
    }
    return List.copyOf(out);
  }

  /** A named CEL expression. */
  public record Variable(String name, String expression, SourceLocation location) {}

  /**
   * A CEL expression that must be true; {@code message} explains a failure.
   *
   * @param path the field a failure is about, a Cairn extension to Marvin's format: relative to the
   *     container when the failure lies in one container (e.g. {@code resources.limits}), relative
   *     to the pod spec otherwise (e.g. {@code hostNetwork}); null when not declared
   */
  public record Validation(
      String expression, @Nullable String message, SourceLocation location, @Nullable String path) {
    public Validation(String expression, @Nullable String message, SourceLocation location) {
      this(expression, message, location, null);
    }
  }

  /**
   * The frameworks this check belongs to, from its labels: {@code pss: baseline|restricted}, {@code
   * nsa-cisa: ...}, {@code mitre: T...}, {@code cis: ...}, {@code best-practice: ...}.
   */
  public Set<Framework> frameworks() {
    Set<Framework> out = EnumSet.noneOf(Framework.class);
    String pss = labels.get(LABEL_PSS);
    if (pss != null) {
      switch (pss.toLowerCase(Locale.ROOT)) {
        case "baseline" -> {
          out.add(Framework.PSS_BASELINE);
          out.add(Framework.PSS_RESTRICTED);
        }
        case "restricted" -> out.add(Framework.PSS_RESTRICTED);
        default -> {}
      }
    }
    if (labels.containsKey(LABEL_NSA_CISA)) {
      out.add(Framework.NSA_CISA);
    }
    if (labels.containsKey(LABEL_MITRE)) {
      out.add(Framework.MITRE);
    }
    if (labels.containsKey(LABEL_CIS)) {
      out.add(Framework.CIS);
    }
    if (labels.containsKey(LABEL_BEST_PRACTICE)) {
      out.add(Framework.BEST_PRACTICE);
    }
    return out;
  }

  /**
   * The PSS version from which the check applies (label {@value #LABEL_PSS_SINCE}); {@code v1.0}
   * when the label is absent.
   */
  public PssVersion pssSince() {
    String since = labels.get(LABEL_PSS_SINCE);
    return since == null ? new PssVersion(0) : PssVersion.parse(since).orElseThrow();
  }

  /** True when pod-security-admission would run this check at {@code version}. */
  public boolean appliesAt(PssVersion version) {
    return version.includes(pssSince());
  }

  /** True when this check is for objects that carry a pod spec (so podSpec etc. are declared). */
  public boolean matchesPodSpec() {
    return match.stream().anyMatch(r -> Kinds.isPodSpecResource(r.group(), r.resource()));
  }
}
