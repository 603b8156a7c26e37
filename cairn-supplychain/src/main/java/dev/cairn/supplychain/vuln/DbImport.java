package dev.cairn.supplychain.vuln;

import dev.cairn.core.Digest;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One import into the vulnerability database.
 *
 * @param source the file or directory it came from, as given
 * @param digest SHA-256 of the file (of a directory: over its files' names and digests)
 * @param importedAt when
 * @param entries how many entries it held, by ecosystem as they name it ({@code Debian:12})
 * @param newestModified the latest {@code modified} among them, null when it held none
 * @param added how many entries were new to the database
 * @param replaced how many replaced an older {@code modified} of the same id
 */
public record DbImport(
    String source,
    Digest digest,
    Instant importedAt,
    Map<String, Integer> entries,
    @Nullable Instant newestModified,
    int added,
    int replaced) {
  public DbImport {
    entries = java.util.Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  /** How many entries it held in all. */
  public int total() {
    return entries.values().stream().mapToInt(Integer::intValue).sum();
  }
}
