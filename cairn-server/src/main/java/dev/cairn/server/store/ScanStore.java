package dev.cairn.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Scan summaries per cluster: when, findings by framework and severity, the report. */
public interface ScanStore {
  /**
   * One scan.
   *
   * @param id the store's id, 0 for one not yet added
   * @param cluster the registered cluster's name (or its identity)
   * @param scannedAt when it ran (kept to the microsecond)
   * @param findings failing checks by framework, then by severity
   * @param reportJson the scan report, as the scanner's JSON report
   */
  record Scan(
      long id,
      String cluster,
      Instant scannedAt,
      Map<String, Map<String, Integer>> findings,
      String reportJson) {
    public Scan {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(scannedAt, "scannedAt");
      Objects.requireNonNull(reportJson, "reportJson");
      if (cluster.isBlank() || cluster.length() > 200) {
        throw new IllegalArgumentException("a cluster is named by 1 to 200 characters");
      }
      Map<String, Map<String, Integer>> copy = new java.util.TreeMap<>();
      findings.forEach((k, v) -> copy.put(k, Map.copyOf(new java.util.TreeMap<>(v))));
      findings = java.util.Collections.unmodifiableMap(copy);
    }
  }

  /** Adds {@code scan} (whose id is ignored), whole, and returns it with its id. */
  Scan add(Scan scan) throws StoreException;

  Optional<Scan> get(long id) throws StoreException;

  /** A cluster's newest {@code max} scans, newest first, without their reports (empty text). */
  List<Scan> history(String cluster, int max) throws StoreException;

  /** The cluster's newest scan, with its report. */
  Optional<Scan> latest(String cluster) throws StoreException;
}
