package dev.cairn.supplychain.vuln;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One vulnerability in one component: a group of matching OSV entries that are aliases of one
 * another, reported once.
 *
 * @param id the group's id (the first of its matching entries' ids, sorted)
 * @param aliases the group's other ids, from every matching entry's id and aliases, sorted
 * @param matched the ids of the entries that matched, sorted
 * @param component the component's name
 * @param version the component's version
 * @param purl the component's purl
 * @param ecosystem the OSV ecosystem it was matched in ({@code Debian:12})
 * @param packageName the OSV package name ({@code group:artifact} for Maven)
 * @param severity the highest severity among the matching entries
 * @param score the CVSS score behind {@code severity}, if a vector gave it
 * @param vector that vector, if any
 * @param fixed the versions the entries name as fixing it, in their order
 * @param summary the first matching entry's summary, empty if none
 * @param waiver the live waiver that accepts it, if any
 * @param expiredWaiver an expired waiver that would have accepted it, if any (it does not)
 */
public record VulnFinding(
    String id,
    List<String> aliases,
    List<String> matched,
    String component,
    String version,
    String purl,
    String ecosystem,
    String packageName,
    Severity severity,
    @Nullable Double score,
    @Nullable String vector,
    List<String> fixed,
    String summary,
    @Nullable VulnWaiver waiver,
    @Nullable VulnWaiver expiredWaiver) {
  public VulnFinding {
    aliases = List.copyOf(aliases);
    matched = List.copyOf(matched);
    fixed = List.copyOf(fixed);
  }

  /** Whether a live waiver accepts it. */
  public boolean waived() {
    return waiver != null;
  }
}
