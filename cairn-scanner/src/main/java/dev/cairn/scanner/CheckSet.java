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

/**
 * An ordered set of checks with unique ids at one {@link PssVersion}, and a digest that pins
 * exactly what they test. Checks introduced after that version (label {@code pss-since}) are not in
 * the set; it keeps them aside, so that {@link #forPssVersion} gives the same set whatever version
 * came before.
 */
public final class CheckSet {
  /** Every check, sorted by id, including those newer than {@link #pssVersion}. */
  private final List<Check> all;

  private final PssVersion pssVersion;
  private final List<Check> checks;
  private final Map<String, Check> byId;

  private CheckSet(List<Check> checks, PssVersion pssVersion) {
    Map<String, Check> m = new LinkedHashMap<>();
    for (Check c : checks) {
      m.put(c.id(), c);
    }
    List<Check> sorted = new ArrayList<>(m.values());
    sorted.sort(Comparator.comparing(Check::id));
    this.all = List.copyOf(sorted);
    this.pssVersion = pssVersion;
    this.checks = all.stream().filter(c -> c.appliesAt(pssVersion)).toList();
    Map<String, Check> applicable = new LinkedHashMap<>();
    for (Check c : this.checks) {
      applicable.put(c.id(), c);
    }
    this.byId = applicable;
  }

  /** Later checks with the same id replace earlier ones; at the latest PSS version. */
  public static CheckSet of(List<Check> checks) {
    return new CheckSet(checks, PssVersion.LATEST);
  }

  /**
   * The same checks at {@code version}: those with a {@code pss-since} newer than it are left out,
   * and CEL sees {@code pssVersion} = its minor number (how the other checks apply its rules).
   */
  public CheckSet forPssVersion(PssVersion version) {
    return new CheckSet(all, version);
  }

  /** The Pod Security Standards version the checks apply. */
  public PssVersion pssVersion() {
    return pssVersion;
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
    List<Check> merged = new ArrayList<>(all);
    merged.addAll(overrides.all);
    return new CheckSet(merged, pssVersion);
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
    for (Check c : all) {
      Set<Framework> fs = c.frameworks();
      if (fs.isEmpty() || fs.stream().anyMatch(frameworks::contains)) {
        out.add(c);
      }
    }
    return new CheckSet(out, pssVersion);
  }

  /**
   * The checks whose id matches one of {@code include} (all when empty) and none of {@code
   * exclude}; ids may use {@code *} as a wildcard ({@code CRN-1*}).
   *
   * @throws ScanException when a pattern matches no check (a typo would silently scan less)
   */
  public CheckSet filter(List<String> include, List<String> exclude) throws ScanException {
    for (String p : java.util.stream.Stream.concat(include.stream(), exclude.stream()).toList()) {
      if (all.stream().noneMatch(c -> matches(p, c.id()))) {
        throw new ScanException(
            "no check matches '" + p + "'", "list the checks' ids (cairn checks list)");
      }
    }
    return new CheckSet(
        all.stream()
            .filter(c -> include.isEmpty() || include.stream().anyMatch(p -> matches(p, c.id())))
            .filter(c -> exclude.stream().noneMatch(p -> matches(p, c.id())))
            .toList(),
        pssVersion);
  }

  private static boolean matches(String pattern, String id) {
    String regex =
        java.util.Arrays.stream(pattern.split("\\*", -1))
            .map(java.util.regex.Pattern::quote)
            .collect(java.util.stream.Collectors.joining(".*"));
    return id.matches("(?i)" + regex);
  }

  /**
   * What a scanning user must be allowed to {@code get} and {@code list} for these checks: API
   * group to plural resources, sorted. Nothing else; in particular no write verbs.
   */
  public Map<String, java.util.SortedSet<String>> readOnlyResources() {
    Map<String, java.util.SortedSet<String>> out = new java.util.TreeMap<>();
    for (Check c : checks) {
      for (ResourceRule r : c.reads()) {
        out.computeIfAbsent(r.group(), g -> new java.util.TreeSet<>()).add(r.resource());
      }
    }
    return out;
  }

  /**
   * SHA-256 over the canonical JSON of the PSS version and every check's id, severity, match,
   * params and CEL: the same checks at another PSS version give other verdicts, so another digest.
   */
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
      if (c.relational()) {
        m.put("collections", c.collections());
      }
      if (c.manual() != null) {
        m.put("manual", c.manual());
      }
      parts.add(m);
    }
    Map<String, Object> pack = new LinkedHashMap<>();
    pack.put("pssVersion", pssVersion.toString());
    pack.put("checks", parts);
    return Digest.sha256(Json.canonical(pack));
  }
}
