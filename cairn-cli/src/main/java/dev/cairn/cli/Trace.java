package dev.cairn.cli;

/**
 * Phase timings on stderr when {@code CAIRN_TRACE} is set: milliseconds since the first Cairn
 * process of this command started (the measured workload reports on the parent's clock).
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
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
  }

  static boolean on() {
    return ON;
  }

  /** The value a child process gets for {@link #ENV}, so that it reports on this clock. */
  static String childValue() {
    return Long.toString(T0);
  }

  static void mark(String who, String phase) {
    if (ON) {
      long cpu =
          ProcessHandle.current()
              .info()
              .totalCpuDuration()
              .map(java.time.Duration::toMillis)
              .orElse(-1L);
      System.err.printf(
          "cairn[trace] %6d ms (cpu %5d ms)  %-8s %s%n",
          System.currentTimeMillis() - T0, cpu, who, phase);
    }
  }
}
