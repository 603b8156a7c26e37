package dev.cairn.supplychain.vuln;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.supplychain.vuln.internal.Ecosystems;
import dev.cairn.supplychain.vuln.internal.Osv;
import dev.cairn.supplychain.vuln.internal.Purl;
import dev.cairn.supplychain.vuln.internal.VersionOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The vulnerability gate: matches an SBOM's components against the offline database, each in its
 * ecosystem's own version order, and decides against a severity threshold, with waivers. Its result
 * is also an in-toto predicate ({@link #PREDICATE_TYPE}, {@link #predicate}).
 */
public final class VulnGate {
  /** The in-toto predicate type of the gate's result. */
  public static final String PREDICATE_TYPE = "https://cairn.dev/vuln-gate/v1";

  /** The default maximum age of the data before the gate warns. */
  public static final Duration DEFAULT_MAX_DB_AGE = Duration.ofDays(7);

  private VulnGate() {}

  /**
   * How the gate decides.
   *
   * @param failOn the severity at and above which an open finding fails the gate
   * @param waivers accepted vulnerabilities
   * @param maxDbAge how old the data may be before the result says it is stale
   */
  public record Options(Severity failOn, VulnWaivers waivers, Duration maxDbAge) {
    public static Options defaults() {
      return new Options(Severity.HIGH, VulnWaivers.none(), DEFAULT_MAX_DB_AGE);
    }

    public Options withFailOn(Severity s) {
      return new Options(s, waivers, maxDbAge);
    }

    public Options withWaivers(VulnWaivers w) {
      return new Options(failOn, w, maxDbAge);
    }

    public Options withMaxDbAge(Duration d) {
      return new Options(failOn, waivers, d);
    }
  }

  /**
   * Scans the CycloneDX SBOM in {@code sbom}.
   *
   * @throws VulnException when the SBOM cannot be read or the database is empty or unreadable (a
   *     gate with no data passes nothing)
   */
  public static VulnGateResult scan(VulnDb db, Path sbom, Options options, Clock clock)
      throws VulnException {
    List<SbomComponent> components = Sboms.read(sbom);
    Digest sbomDigest;
    try {
      sbomDigest = Digest.sha256(Files.readAllBytes(sbom));
    } catch (IOException e) {
      throw new VulnException(
          "cannot read SBOM " + sbom + ": " + Text.reason(e), "check the SBOM's path", e);
    }
    return scan(db, sbom.toString(), sbomDigest, components, options, clock);
  }

  /** Scans components already read from an SBOM named {@code sbomName}. */
  public static VulnGateResult scan(
      VulnDb db,
      String sbomName,
      Digest sbomDigest,
      List<SbomComponent> components,
      Options options,
      Clock clock)
      throws VulnException {
    Instant now = clock.instant();
    DbStatus status = db.status();
    if (status.empty()) {
      throw new VulnException(
          "the vulnerability database is empty: a gate with no data would pass anything",
          "import OSV exports first (cairn vuln db import all.zip)");
    }
    List<String> notices = new ArrayList<>();
    record Target(
        SbomComponent c,
        String ecosystem,
        String name,
        String key,
        String version,
        VersionOrder order) {}
    List<Target> targets = new ArrayList<>();
    Map<String, Set<String>> wanted = new TreeMap<>();
    Map<String, Integer> unmatchedTypes = new TreeMap<>();
    for (SbomComponent c : components) {
      if (c.purl().isEmpty()) {
        unmatchedTypes.merge("(no purl)", 1, Integer::sum);
        continue;
      }
      Purl p;
      try {
        p = Purl.parse(c.purl());
      } catch (IllegalArgumentException e) {
        notices.add(c.name() + ": " + e.getMessage());
        continue;
      }
      Optional<String> eco = Ecosystems.of(p);
      Optional<VersionOrder> order = eco.flatMap(VersionOrder::forEcosystem);
      if (eco.isEmpty() || order.isEmpty()) {
        unmatchedTypes.merge(
            p.type() + (p.namespace().isEmpty() ? "" : "/" + p.namespace()), 1, Integer::sum);
        continue;
      }
      if (p.version().isEmpty()) {
        notices.add(c.purl() + ": no version, not matched");
        continue;
      }
      String name = Ecosystems.name(p);
      String key = Ecosystems.key(eco.get(), name);
      targets.add(new Target(c, eco.get(), name, key, p.version(), order.get()));
      wanted.computeIfAbsent(Ecosystems.base(eco.get()), k -> new TreeSet<>()).add(key);
    }
    for (Map.Entry<String, Integer> u : unmatchedTypes.entrySet()) {
      notices.add(
          Text.count(u.getValue(), "component")
              + " of type "
              + u.getKey()
              + " not matched: Cairn matches deb, apk, maven, npm, pypi and golang purls");
    }
    Map<String, Map<String, List<Osv>>> found = db.lookup(wanted);
    List<VulnFinding> findings = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Target t : targets) {
      List<Osv> entries =
          found
              .getOrDefault(Ecosystems.base(t.ecosystem()), Map.of())
              .getOrDefault(t.key(), List.of());
      String version = t.version();
      List<Match> matches = new ArrayList<>();
      for (Osv o : entries) {
        if (o.withdrawn() != null) {
          continue;
        }
        for (Osv.Affected a : o.affected()) {
          if (!a.ecosystem().equals(t.ecosystem())
              || !Ecosystems.key(a.ecosystem(), a.name()).equals(t.key())) {
            continue;
          }
          try {
            if (Osv.affects(a, version, t.order())) {
              matches.add(new Match(o, a));
              break;
            }
          } catch (IllegalArgumentException e) {
            notices.add(o.id() + " for " + t.c().purl() + ": not evaluated: " + e.getMessage());
          }
        }
      }
      for (List<Match> group : groups(matches)) {
        VulnFinding f = finding(t.c(), version, t.ecosystem(), t.name(), group, options, now);
        if (seen.add(f.id() + "\u0000" + f.purl())) {
          findings.add(f);
        }
      }
    }
    findings.sort(
        Comparator.comparing(VulnFinding::severity)
            .reversed()
            .thenComparing(VulnFinding::id)
            .thenComparing(VulnFinding::purl));
    EnumMap<Severity, Integer> counts = new EnumMap<>(Severity.class);
    Set<String> waived = new TreeSet<>();
    Set<String> expired = new TreeSet<>();
    boolean passed = true;
    for (VulnFinding f : findings) {
      if (f.waived()) {
        waived.add(f.id());
        continue;
      }
      if (f.expiredWaiver() != null) {
        expired.add(f.id());
      }
      counts.merge(f.severity(), 1, Integer::sum);
      if (f.severity().compareTo(options.failOn()) >= 0) {
        passed = false;
      }
    }
    boolean stale = status.age(now).map(a -> a.compareTo(options.maxDbAge()) > 0).orElse(true);
    return new VulnGateResult(
        sbomName,
        sbomDigest,
        components.size(),
        status.digest(),
        status.newestModified(),
        stale,
        options.failOn(),
        passed,
        counts,
        List.copyOf(waived),
        List.copyOf(expired),
        findings,
        notices,
        now);
  }

  private record Match(Osv entry, Osv.Affected affected) {}

  /** Matches whose ids or aliases overlap, joined: one group per vulnerability. */
  private static List<List<Match>> groups(List<Match> matches) {
    List<List<Match>> groups = new ArrayList<>();
    List<Set<String>> idSets = new ArrayList<>();
    for (Match m : matches) {
      Set<String> ids = new TreeSet<>(m.entry().ids());
      List<Match> into = new ArrayList<>(List.of(m));
      for (int i = groups.size() - 1; i >= 0; i--) {
        if (!java.util.Collections.disjoint(idSets.get(i), ids)) {
          ids.addAll(idSets.remove(i));
          into.addAll(groups.remove(i));
        }
      }
      groups.add(into);
      idSets.add(ids);
    }
    return groups;
  }

  private static VulnFinding finding(
      SbomComponent c,
      String version,
      String ecosystem,
      String name,
      List<Match> group,
      Options options,
      Instant now) {
    Set<String> matched = new TreeSet<>();
    Set<String> all = new TreeSet<>();
    List<String> fixed = new ArrayList<>();
    Rated best = new Rated(Severity.UNKNOWN, null, null);
    String summary = "";
    group.sort(Comparator.comparing((Match m) -> m.entry().id()));
    for (Match m : group) {
      matched.add(m.entry().id());
      all.addAll(m.entry().ids());
      for (String f : Osv.fixedVersions(m.affected())) {
        if (!fixed.contains(f)) {
          fixed.add(f);
        }
      }
      Rated r = rate(m.entry(), m.affected());
      if (r.severity().compareTo(best.severity()) > 0
          || (r.severity() == best.severity() && best.score() == null && r.score() != null)) {
        best = r;
      }
      if (summary.isEmpty()) {
        summary = m.entry().summary();
      }
    }
    String id = matched.iterator().next();
    all.remove(id);
    List<String> ids = new ArrayList<>();
    ids.add(id);
    ids.addAll(all);
    VulnWaiver live = null;
    VulnWaiver expired = null;
    Optional<VulnWaiver> w = options.waivers().find(ids, c.purl(), c.name(), now);
    if (w.isPresent()) {
      if (w.get().expiredAt(now)) {
        expired = w.get();
      } else {
        live = w.get();
      }
    }
    return new VulnFinding(
        id,
        List.copyOf(all),
        List.copyOf(matched),
        c.name(),
        version,
        c.purl(),
        ecosystem,
        name,
        best.severity(),
        best.score(),
        best.vector(),
        fixed,
        summary,
        live,
        expired);
  }

  private record Rated(Severity severity, @Nullable Double score, @Nullable String vector) {}

  /**
   * An entry's severity for one affected package: its CVSS v4.0 vector, else its v3.x vector (the
   * affected package's own vectors first), else the database's word for it.
   */
  private static Rated rate(Osv o, Osv.Affected a) {
    for (List<Osv.Severity> list : List.of(a.severity(), o.severity())) {
      for (String type : List.of("CVSS_V4", "CVSS_V3")) {
        for (Osv.Severity s : list) {
          if (s.type().equals(type)) {
            try {
              Cvss.Score sc = Cvss.score(s.score());
              return new Rated(sc.severity(), sc.score(), s.score());
            } catch (IllegalArgumentException e) {
              // a malformed vector: fall through to the next source
            }
          }
        }
      }
    }
    for (String word : new String[] {a.databaseSeverity(), o.databaseSeverity()}) {
      if (word != null) {
        Optional<Severity> s = Severity.parse(word);
        if (s.isPresent()) {
          return new Rated(s.get(), null, null);
        }
      }
    }
    return new Rated(Severity.UNKNOWN, null, null);
  }

  /**
   * The gate's result as the predicate of an in-toto Statement ({@link #PREDICATE_TYPE}): canonical
   * JSON (sorted keys, no blanks), so the same result gives the same bytes.
   */
  public static byte[] predicate(VulnGateResult r) {
    return Json.canonical(predicateValue(r)).getBytes(StandardCharsets.UTF_8);
  }

  /** The predicate as plain values (maps, lists, strings, numbers). */
  public static Map<String, Object> predicateValue(VulnGateResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> database = new LinkedHashMap<>();
    database.put("digest", r.dbDigest().toString());
    database.put("date", r.dbDate() == null ? null : r.dbDate().toString());
    database.put("stale", r.dbStale());
    m.put("database", database);
    Map<String, Object> sbom = new LinkedHashMap<>();
    sbom.put("name", r.sbom());
    sbom.put("digest", r.sbomDigest().toString());
    sbom.put("components", (long) r.components());
    m.put("sbom", sbom);
    m.put("threshold", r.threshold().id());
    m.put("passed", r.passed());
    Map<String, Object> counts = new TreeMap<>();
    for (Map.Entry<Severity, Integer> e : r.counts().entrySet()) {
      counts.put(e.getKey().id(), (long) e.getValue());
    }
    m.put("counts", counts);
    m.put("waived", r.waived());
    m.put("expiredWaivers", r.expiredWaivers());
    List<Object> fs = new ArrayList<>();
    for (VulnFinding f : r.findings()) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("id", f.id());
      fm.put("aliases", f.aliases());
      fm.put("matched", f.matched());
      Map<String, Object> pkg = new LinkedHashMap<>();
      pkg.put("name", f.component());
      pkg.put("version", f.version());
      pkg.put("purl", f.purl());
      pkg.put("ecosystem", f.ecosystem());
      fm.put("package", pkg);
      fm.put("severity", f.severity().id());
      if (f.score() != null) {
        // as text: a score has one decimal, and canonical JSON has no floats
        fm.put("score", String.format(java.util.Locale.ROOT, "%.1f", f.score()));
      }
      if (f.vector() != null) {
        fm.put("vector", f.vector());
      }
      fm.put("fixed", f.fixed());
      fm.put("state", f.waived() ? "waived" : "open");
      if (f.waiver() != null) {
        fm.put("waiver", waiver(f.waiver()));
      }
      if (f.expiredWaiver() != null) {
        fm.put("expiredWaiver", waiver(f.expiredWaiver()));
      }
      fs.add(fm);
    }
    m.put("findings", fs);
    m.put("notices", r.notices());
    m.put("scannedAt", r.scannedAt().toString());
    Map<String, Object> scanner = new HashMap<>();
    scanner.put("name", "cairn");
    scanner.put("matching", "OSV schema 1.6, offline");
    m.put("scanner", scanner);
    return m;
  }

  private static Map<String, Object> waiver(VulnWaiver w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", w.id());
    m.put("package", w.packageGlob());
    m.put("reason", w.reason());
    m.put("expires", w.expires().toString());
    m.put("origin", w.origin().toString());
    return m;
  }
}
