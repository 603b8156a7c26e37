package dev.cairn.supplychain.vuln.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An OSV entry (schema 1.6) as the gate uses it, read from the plain values of its JSON, and the
 * specification's evaluation of whether a version is affected.
 *
 * @param id the entry's id
 * @param modified when it last changed
 * @param published when it was published, if it says
 * @param withdrawn when it was withdrawn; a withdrawn entry never matches
 * @param aliases other ids of the same vulnerability
 * @param related ids of related, different vulnerabilities
 * @param summary its one-line summary, empty if none
 * @param affected what it affects
 * @param severity its severity vectors
 * @param databaseSeverity {@code database_specific.severity} of the entry, if any
 */
public record Osv(
    String id,
    Instant modified,
    @Nullable Instant published,
    @Nullable Instant withdrawn,
    List<String> aliases,
    List<String> related,
    String summary,
    List<Affected> affected,
    List<Severity> severity,
    @Nullable String databaseSeverity) {
  public Osv {
    aliases = List.copyOf(aliases);
    related = List.copyOf(related);
    affected = List.copyOf(affected);
    severity = List.copyOf(severity);
  }

  /**
   * One {@code severity[]} item.
   *
   * @param type e.g. {@code CVSS_V3}
   * @param score the vector
   */
  public record Severity(String type, String score) {}

  /**
   * One {@code affected[]} item.
   *
   * @param ecosystem the package's ecosystem, e.g. {@code Debian:12}
   * @param name the package's name
   * @param purl the package's purl, empty if none
   * @param ranges its ranges
   * @param versions the versions it lists as affected
   * @param severity its own severity vectors
   * @param databaseSeverity its {@code database_specific.severity} or {@code
   *     ecosystem_specific.severity}, if any
   */
  public record Affected(
      String ecosystem,
      String name,
      String purl,
      List<Range> ranges,
      List<String> versions,
      List<Severity> severity,
      @Nullable String databaseSeverity) {
    public Affected {
      ranges = List.copyOf(ranges);
      versions = List.copyOf(versions);
      severity = List.copyOf(severity);
    }
  }

  /**
   * One range.
   *
   * @param type {@code SEMVER}, {@code ECOSYSTEM} or {@code GIT}
   * @param events its events in file order
   */
  public record Range(String type, List<Event> events) {
    public Range {
      events = List.copyOf(events);
    }
  }

  /**
   * One event.
   *
   * @param kind {@code introduced}, {@code fixed}, {@code last_affected} or {@code limit}
   * @param version its version
   */
  public record Event(String kind, String version) {}

  /** Every id of this entry's vulnerability: its own and its aliases. */
  public List<String> ids() {
    List<String> l = new ArrayList<>();
    l.add(id);
    l.addAll(aliases);
    return l;
  }

  /** The versions at which {@code a}'s ranges say a fix arrived, for the report. */
  public static List<String> fixedVersions(Affected a) {
    List<String> out = new ArrayList<>();
    for (Range r : a.ranges()) {
      for (Event e : r.events()) {
        if (e.kind().equals("fixed") && !out.contains(e.version())) {
          out.add(e.version());
        }
      }
    }
    return out;
  }

  /**
   * Whether {@code version} is affected by {@code a}, as the OSV specification's evaluation says:
   * listed in {@code versions}, or in one of the {@code SEMVER} / {@code ECOSYSTEM} ranges (events
   * sorted by version, {@code introduced: "0"} first; before one of its {@code limit}s if it has
   * any). {@code GIT} ranges name commits, not versions, and are left to {@code versions}.
   *
   * @throws IllegalArgumentException when a version in the range is not one of the ecosystem's
   */
  public static boolean affects(Affected a, String version, VersionOrder order) {
    // the specification compares listed versions as strings
    if (a.versions().contains(version)) {
      return true;
    }
    for (Range r : a.ranges()) {
      if (!r.type().equals("SEMVER") && !r.type().equals("ECOSYSTEM")) {
        continue;
      }
      VersionOrder o = r.type().equals("SEMVER") ? semverFor(a.ecosystem(), order) : order;
      if (beforeLimits(version, r, o) && inRange(version, r, o)) {
        return true;
      }
    }
    return false;
  }

  private static VersionOrder semverFor(String ecosystem, VersionOrder order) {
    // a SEMVER range is ordered by SemVer 2.0.0 whatever the ecosystem; Go's keep their v prefix
    return Ecosystems.base(ecosystem).equals("Go") ? SemverOrder.GO : SemverOrder.NPM;
  }

  private static boolean beforeLimits(String v, Range r, VersionOrder o) {
    boolean any = false;
    for (Event e : r.events()) {
      if (e.kind().equals("limit")) {
        any = true;
        if (e.version().equals("*") || o.compare(v, e.version()) < 0) {
          return true;
        }
      }
    }
    return !any;
  }

  private static boolean inRange(String v, Range r, VersionOrder o) {
    List<Event> events = new ArrayList<>();
    for (Event e : r.events()) {
      if (!e.kind().equals("limit")) {
        events.add(e);
      }
    }
    events.sort(
        Comparator.comparing(
            (Event e) -> e,
            (x, y) -> {
              boolean x0 = x.kind().equals("introduced") && x.version().equals("0");
              boolean y0 = y.kind().equals("introduced") && y.version().equals("0");
              if (x0 || y0) {
                return x0 && y0 ? 0 : x0 ? -1 : 1;
              }
              return o.compare(x.version(), y.version());
            }));
    boolean vulnerable = false;
    for (Event e : events) {
      switch (e.kind()) {
        case "introduced" -> {
          if (e.version().equals("0") || o.compare(v, e.version()) >= 0) {
            vulnerable = true;
          }
        }
        case "fixed" -> {
          if (o.compare(v, e.version()) >= 0) {
            vulnerable = false;
          }
        }
        case "last_affected" -> {
          if (o.compare(v, e.version()) > 0) {
            vulnerable = false;
          }
        }
        default -> {
          // an event kind from a later schema: not one that can make a version affected
        }
      }
    }
    return vulnerable;
  }

  /**
   * Reads an entry from its JSON's plain values.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  public static Osv fromJson(Map<String, Object> m) {
    String id = str(m, "id");
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("an OSV entry needs an 'id'");
    }
    String mod = str(m, "modified");
    if (mod == null) {
      throw new IllegalArgumentException(id + ": an OSV entry needs 'modified'");
    }
    Instant modified = time(id, "modified", mod);
    String pub = str(m, "published");
    String wd = str(m, "withdrawn");
    List<Affected> affected = new ArrayList<>();
    for (Object o : list(m, "affected")) {
      if (!(o instanceof Map<?, ?> am)) {
        throw new IllegalArgumentException(id + ": 'affected' items are objects");
      }
      affected.add(affected(id, cast(am)));
    }
    return new Osv(
        id,
        modified,
        pub == null ? null : time(id, "published", pub),
        wd == null ? null : time(id, "withdrawn", wd),
        strings(m, "aliases"),
        strings(m, "related"),
        java.util.Objects.requireNonNullElse(str(m, "summary"), ""),
        affected,
        severities(id, m),
        nestedSeverity(m, "database_specific"));
  }

  private static Affected affected(String id, Map<String, Object> am) {
    String eco = "";
    String name = "";
    String purl = "";
    if (am.get("package") instanceof Map<?, ?> pm) {
      Map<String, Object> p = cast(pm);
      eco = java.util.Objects.requireNonNullElse(str(p, "ecosystem"), "");
      name = java.util.Objects.requireNonNullElse(str(p, "name"), "");
      purl = java.util.Objects.requireNonNullElse(str(p, "purl"), "");
    }
    List<Range> ranges = new ArrayList<>();
    for (Object o : list(am, "ranges")) {
      if (!(o instanceof Map<?, ?> rm)) {
        throw new IllegalArgumentException(id + ": 'ranges' items are objects");
      }
      Map<String, Object> r = cast(rm);
      String type = str(r, "type");
      if (type == null) {
        throw new IllegalArgumentException(id + ": a range needs a 'type'");
      }
      List<Event> events = new ArrayList<>();
      for (Object eo : list(r, "events")) {
        if (!(eo instanceof Map<?, ?> em) || em.size() != 1) {
          throw new IllegalArgumentException(
              id + ": an event has exactly one of introduced, fixed," + " last_affected, limit");
        }
        Map.Entry<?, ?> e = em.entrySet().iterator().next();
        events.add(new Event(String.valueOf(e.getKey()), String.valueOf(e.getValue())));
      }
      ranges.add(new Range(type, events));
    }
    String sev = nestedSeverity(am, "database_specific");
    if (sev == null) {
      sev = nestedSeverity(am, "ecosystem_specific");
    }
    return new Affected(eco, name, purl, ranges, strings(am, "versions"), severities(id, am), sev);
  }

  private static List<Severity> severities(String id, Map<String, Object> m) {
    List<Severity> out = new ArrayList<>();
    for (Object o : list(m, "severity")) {
      if (o instanceof Map<?, ?> sm) {
        Map<String, Object> s = cast(sm);
        String type = str(s, "type");
        String score = str(s, "score");
        if (type != null && score != null) {
          out.add(new Severity(type, score));
        }
      } else {
        throw new IllegalArgumentException(id + ": 'severity' items are objects");
      }
    }
    return out;
  }

  private static @Nullable String nestedSeverity(Map<String, Object> m, String key) {
    if (m.get(key) instanceof Map<?, ?> d && d.get("severity") instanceof String s) {
      return s;
    }
    return null;
  }

  private static Instant time(String id, String field, String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(
            id + ": '" + field + "' is not an RFC 3339 time: " + s, e2);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static @Nullable String str(Map<String, Object> m, String k) {
    return m.get(k) instanceof String s ? s : null;
  }

  private static List<?> list(Map<String, Object> m, String k) {
    return m.get(k) instanceof List<?> l ? l : List.of();
  }

  private static List<String> strings(Map<String, Object> m, String k) {
    List<String> out = new ArrayList<>();
    for (Object o : list(m, k)) {
      if (o instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }
}
