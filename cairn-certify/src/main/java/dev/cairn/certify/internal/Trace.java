package dev.cairn.certify.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Phase timings of the measured workload on its stderr when {@code CAIRN_TRACE} is set, on the
 * clock of the process that started it (whose value it inherits). The workload is a process of its
 * own: this is its only output besides its result line.
 */
final class Trace {
  static final String ENV = "CAIRN_TRACE";
  private static final boolean ON = System.getenv(ENV) != null;
  private static final long T0 = start();

  private Trace() {}

  private static long start() {
    String inherited = System.getenv(ENV);
    if (inherited != null && inherited.matches("\\d{10,}")) {
      return Long.parseLong(inherited);
    }
    return ManagementFactory.getRuntimeMXBean().getStartTime();
  }

  static void mark(String who, String phase) {
    if (ON) {
      long cpu =
          ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
      System.err.printf(
          "cairn[trace] %6d ms (cpu %5d ms)  %-8s %s%n",
          System.currentTimeMillis() - T0, cpu, who, phase);
    }
  }
}
