package dev.cairn.bench;

import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scans synthetic clusters of N workloads with every built-in check and prints a table: objects/s,
 * check evaluations/s and peak heap. Objects are generated while the scan streams, never held. Run:
 * bench/run [sizes...] (default 1000 10000 100000).
 */
public final class ScanBench {
  private ScanBench() {}

  public static void main(String[] args) throws Exception {
    int[] sizes =
        args.length == 0
            ? new int[] {1_000, 10_000, 100_000}
            : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    ScanOptions opts = ScanOptions.defaults();
    int checks = Checks.builtin().size();
    // warm-up: JIT and CEL programs, as a long-running process or the second scan in CI would be
    Scanners.create(opts).scan(List.of(source(2_000)));
    System.out.printf(
        "%-10s %-8s %-10s %-12s %-14s %-12s %-10s%n",
        "workloads", "checks", "seconds", "objects/s", "evaluations/s", "findings", "peak heap");
    for (int n : sizes) {
      System.gc();
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        p.resetPeakUsage();
      }
      long t0 = System.nanoTime();
      ScanReport r = Scanners.create(opts).scan(List.of(source(n)));
      double secs = (System.nanoTime() - t0) / 1e9;
      long evals = 0;
      long findings = 0;
      for (CheckResult cr : r.results()) {
        evals += cr.objects();
        findings += cr.findings().size();
      }
      long peak = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          peak += p.getPeakUsage().getUsed();
        }
      }
      System.out.printf(
          "%-10d %-8d %-10.2f %-12.0f %-14.0f %-12d %-10s%n",
          n, checks, secs, n / secs, evals / secs, findings, (peak >> 20) + " MB");
    }
  }

  /**
   * N workloads: a mix of Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Pods; 1 in 5
   * non-compliant.
   */
  static ObjectSource source(int n) {
    return new ObjectSource() {
      @Override
      public String describe() {
        return "synthetic cluster of " + n + " workloads";
      }

      @Override
      public void read(Sink sink) {
        for (int i = 0; i < n; i++) {
          sink.object(workload(i));
        }
      }
    };
  }

  static KubeObject workload(int i) {
    boolean bad = i % 5 == 0;
    Map<String, Object> sc = new LinkedHashMap<>();
    sc.put("allowPrivilegeEscalation", bad);
    sc.put("readOnlyRootFilesystem", !bad);
    sc.put("capabilities", Map.of("drop", List.of("ALL")));
    if (bad) {
      sc.put("privileged", true);
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", "app");
    c.put("image", bad ? "nginx:latest" : "registry.example.org/app:1.0@sha256:" + "b".repeat(64));
    c.put("ports", List.of(Map.of("containerPort", 8080L)));
    c.put(
        "resources",
        Map.of(
            "requests",
            Map.of("cpu", "100m", "memory", "64Mi"),
            "limits",
            Map.of("cpu", "1", "memory", "128Mi")));
    c.put("readinessProbe", Map.of("httpGet", Map.of("path", "/ready", "port", 8080L)));
    c.put("livenessProbe", Map.of("httpGet", Map.of("path", "/live", "port", 8080L)));
    c.put("securityContext", sc);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("automountServiceAccountToken", false);
    spec.put(
        "securityContext",
        Map.of("runAsNonRoot", true, "seccompProfile", Map.of("type", "RuntimeDefault")));
    spec.put("containers", new ArrayList<>(List.of(c)));
    if (bad) {
      spec.put("hostNetwork", true);
    }
    String ns = "team-" + (i % 50);
    Map<String, Object> meta = Map.of("name", "w" + i, "namespace", ns);
    Map<String, Object> template =
        Map.of("metadata", Map.of("labels", Map.of("app", "w" + i)), "spec", spec);
    String[] kinds = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"};
    String kind = kinds[i % kinds.length];
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put(
        "apiVersion",
        switch (kind) {
          case "Job", "CronJob" -> "batch/v1";
          case "Pod" -> "v1";
          default -> "apps/v1";
        });
    obj.put("kind", kind);
    obj.put("metadata", meta);
    switch (kind) {
      case "Pod" -> obj.put("spec", spec);
      case "CronJob" ->
          obj.put(
              "spec",
              Map.of(
                  "schedule",
                  "* * * * *",
                  "jobTemplate",
                  Map.of("spec", Map.of("template", template))));
      default -> obj.put("spec", Map.of("template", template));
    }
    return new KubeObject(
        (String) obj.get("apiVersion"), kind, ns, "w" + i, obj, SourceLocation.of("synthetic"));
  }
}
