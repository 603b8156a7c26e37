package dev.cairn.server;

import dev.cairn.server.store.ClusterStore;
import dev.cairn.server.store.ScanStore;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Hears of every scan the scheduler stored, with the cluster's scan before it: the hook for
 * notifications on new findings. Called on the scheduler's thread after the scan is stored and
 * before the cluster is certified; what it throws is reported to the server's event log and does
 * not fail the scan.
 */
@FunctionalInterface
public interface ScanListener {
  ScanListener NONE = (cluster, scan, previous) -> {};

  /**
   * A scan of {@code cluster} was stored.
   *
   * @param scan the new scan, with its report
   * @param previous the cluster's scan before it (with its report), or null for its first
   */
  void scanned(
      ClusterStore.Cluster cluster, ScanStore.Scan scan, ScanStore.@Nullable Scan previous);

  /**
   * The counts that grew from {@code previous} to {@code scan}: framework → severity → how many
   * more findings (only those above 0); every count of a first scan.
   */
  static Map<String, Map<String, Integer>> newFindings(
      ScanStore.Scan scan, ScanStore.@Nullable Scan previous) {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    scan.findings()
        .forEach(
            (fw, bySeverity) ->
                bySeverity.forEach(
                    (sev, n) -> {
                      int before =
                          previous == null
                              ? 0
                              : previous.findings().getOrDefault(fw, Map.of()).getOrDefault(sev, 0);
                      if (n > before) {
                        out.computeIfAbsent(fw, k -> new TreeMap<>()).put(sev, n - before);
                      }
                    }));
    return out;
  }
}
