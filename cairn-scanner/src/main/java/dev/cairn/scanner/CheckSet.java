package dev.cairn.scanner;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An ordered set of checks with unique ids, and a digest that pins exactly what they test. */
public final class CheckSet {
  private final List<Check> checks;
  private final Map<String, Check> byId;

  private CheckSet(List<Check> checks) {
    Map<String, Check> m = new LinkedHashMap<>();
    for (Check c : checks) {
      m.put(c.id(), c);
    }
    List<Check> sorted = new ArrayList<>(m.values());
    sorted.sort(Comparator.comparing(Check::id));
    this.checks = List.copyOf(sorted);
    this.byId = m;
  }

  /** Later checks with the same id replace earlier ones. */
  public static CheckSet of(List<Check> checks) {
    return new CheckSet(checks);
  }

  public List<Check> checks() {
    return checks;
  }

  public Optional<Check> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public int size() {
    return checks.size();
  }

  /** This set plus {@code overrides}; an override with an existing id replaces that check. */
  public CheckSet with(CheckSet overrides) {
    List<Check> all = new ArrayList<>(checks);
    all.addAll(overrides.checks);
    return new CheckSet(all);
  }

  /**
   * The checks of any of {@code frameworks}; checks without any framework label (custom ones) are
   * always kept. An empty set selects everything.
   */
  public CheckSet select(Set<Framework> frameworks) {
    if (frameworks.isEmpty()) {
      return this;
    }
    List<Check> out = new ArrayList<>();
    for (Check c : checks) {
      Set<Framework> fs = c.frameworks();
      if (fs.isEmpty() || fs.stream().anyMatch(frameworks::contains)) {
        out.add(c);
      }
    }
    return new CheckSet(out);
  }

  /**
   * What a scanning user must be allowed to {@code get} and {@code list} for these checks: API
   * group to plural resources, sorted. Nothing else; in particular no write verbs.
   */
  /**
   * The checks whose id matches one of {@code include} (all when empty) and none of {@code
   * exclude}; ids may use {@code *} as a wildcard ({@code CRN-1*}).
   *
   * @throws ScanException when a pattern matches no check (a typo would silently scan less)
   */
  public CheckSet filter(List<String> include, List<String> exclude) throws ScanException {
    for (String p : java.util.stream.Stream.concat(include.stream(), exclude.stream()).toList()) {
      if (checks.stream().noneMatch(c -> matches(p, c.id()))) {
        throw new ScanException(
            "no check matches '" + p + "'", "list the checks' ids (cairn checks list)");
      }
    }
    return new CheckSet(
        checks.stream()
            .filter(c -> include.isEmpty() || include.stream().anyMatch(p -> matches(p, c.id())))
            .filter(c -> exclude.stream().noneMatch(p -> matches(p, c.id())))
            .toList());
  }

  private static boolean matches(String pattern, String id) {
    String regex =
        java.util.Arrays.stream(pattern.split("\\*", -1))
            .map(java.util.regex.Pattern::quote)
            .collect(java.util.stream.Collectors.joining(".*"));
    return id.matches("(?i)" + regex);
  }

  public Map<String, java.util.SortedSet<String>> readOnlyResources() {
    Map<String, java.util.SortedSet<String>> out = new java.util.TreeMap<>();
    for (Check c : checks) {
      for (ResourceRule r : c.match()) {
        out.computeIfAbsent(r.group(), g -> new java.util.TreeSet<>()).add(r.resource());
      }
    }
    return out;
  }

  /** SHA-256 over the canonical JSON of every check's id, severity, match, params and CEL. */
  public Digest digest() {
    List<Map<String, Object>> parts = new ArrayList<>();
    for (Check c : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("severity", c.severity().display());
      m.put("match", c.match().stream().map(ResourceRule::toString).toList());
      m.put("params", c.params());
      m.put(
          "variables", c.variables().stream().map(v -> List.of(v.name(), v.expression())).toList());
      m.put("validations", c.validations().stream().map(Check.Validation::expression).toList());
      parts.add(m);
    }
    return Digest.sha256(Json.canonical(parts));
  }
}
