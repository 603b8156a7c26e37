package dev.cairn.supplychain.vuln;

import dev.cairn.core.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the vulnerability database holds.
 *
 * @param imports every import, oldest first
 * @param entries how many entries it holds, by base ecosystem ({@code Debian}, {@code Maven}, …)
 * @param newestModified the latest {@code modified} of any entry: how current the data is; null for
 *     an empty database
 * @param digest SHA-256 over the imported files' digests (sorted), naming what the data is
 */
public record DbStatus(
    List<DbImport> imports,
    Map<String, Integer> entries,
    @Nullable Instant newestModified,
    Digest digest) {
  public DbStatus {
    imports = List.copyOf(imports);
    entries = java.util.Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  /** Whether nothing was ever imported. */
  public boolean empty() {
    return imports.isEmpty();
  }

  /** How old the data is at {@code now}: since its newest {@code modified}; empty if none. */
  public Optional<Duration> age(Instant now) {
    return newestModified == null
        ? Optional.empty()
        : Optional.of(Duration.between(newestModified, now));
  }

  /** How many entries it holds in all. */
  public int total() {
    return entries.values().stream().mapToInt(Integer::intValue).sum();
  }
}
