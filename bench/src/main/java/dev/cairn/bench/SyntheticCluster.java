package dev.cairn.bench;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.scanner.KubeObject;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a synthetic cluster of N compliant workloads twice: as a manifest list for {@code cairn
 * scan} and as a snapshot for {@code cairn certify --snapshot}. Args: N DIR.
 */
public final class SyntheticCluster {
  private SyntheticCluster() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    try (BufferedWriter list = Files.newBufferedWriter(dir.resolve("objects.json"));
        BufferedWriter snap = Files.newBufferedWriter(dir.resolve("snapshot.json"))) {
      list.write("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
      Map<String, Object> id = new LinkedHashMap<>();
      id.put("kubeSystemUid", "bench-" + n);
      id.put("caFingerprint", Digest.sha256("bench ca").toString());
      id.put("server", "https://bench.example:6443");
      snap.write(
          "{\"kind\":\"CairnClusterSnapshot\",\"identity\":"
              + Json.canonical(id)
              + ",\"objects\":[");
      for (int i = 0; i < n; i++) {
        // every fifth workload of ScanBench is non-compliant: shift to compliant ones only
        KubeObject o = ScanBench.workload(i * 5 + 1);
        String json = Json.canonical(o.content());
        list.write((i == 0 ? "" : ",") + json);
        snap.write((i == 0 ? "" : ",") + json);
      }
      list.write("]}\n");
      snap.write("]}\n");
    }
  }
}
