package dev.cairn.supplychain.vuln;

import dev.cairn.core.SourceLocation;
import java.time.Instant;

/**
 * An accepted vulnerability: an id (or any of its aliases) in packages matching a glob, for a
 * reason, until a time.
 *
 * @param id the vulnerability id or alias ({@code CVE-2024-1234}, {@code GHSA-…}), or a glob
 * @param packageGlob a glob over the component's purl or its name; {@code *} for any
 * @param reason why it is accepted; required
 * @param expires when it stops waiving; required
 * @param origin where it was declared (file:line)
 */
public record VulnWaiver(
    String id, String packageGlob, String reason, Instant expires, SourceLocation origin) {
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expires);
  }
}
