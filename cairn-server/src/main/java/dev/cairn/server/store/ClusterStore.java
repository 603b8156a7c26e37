package dev.cairn.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** The clusters the server scans and certifies, each on a cron schedule. */
public interface ClusterStore {
  /**
   * One registered cluster.
   *
   * @param name its name here ({@code [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?})
   * @param kubeconfig where its kubeconfig is (a path on the server)
   * @param schedule when to scan it, in cron syntax: five fields (minute hour day-of-month month
   *     day-of-week), or a macro such as {@code @daily}
   * @param registeredAt when it was registered
   */
  record Cluster(String name, String kubeconfig, String schedule, Instant registeredAt) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern FIELD = Pattern.compile("[0-9A-Za-z*/,?LW#-]+");
    private static final java.util.Set<String> MACROS =
        java.util.Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly");

    public Cluster {
      Objects.requireNonNull(kubeconfig, "kubeconfig");
      Objects.requireNonNull(registeredAt, "registeredAt");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "not a cluster name: '"
                + dev.cairn.core.Text.escape(name)
                + "' (lower-case letters,"
                + " digits and '-', at most 63)");
      }
      if (kubeconfig.isBlank() || kubeconfig.length() > 2000) {
        throw new IllegalArgumentException("a kubeconfig path is 1 to 2000 characters");
      }
      schedule = schedule.strip();
      if (!validSchedule(schedule)) {
        throw new IllegalArgumentException(
            "not a cron schedule: '"
                + dev.cairn.core.Text.escape(schedule)
                + "' (five fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *',"
                + " or @daily)");
      }
    }

    /** Whether {@code s} has the shape of a cron schedule (five fields, or a macro). */
    public static boolean validSchedule(String s) {
      if (MACROS.contains(s)) {
        return true;
      }
      String[] f = s.split("\\s+");
      if (f.length != 5 || s.length() > 200) {
        return false;
      }
      for (String x : f) {
        if (!FIELD.matcher(x).matches()) {
          return false;
        }
      }
      return true;
    }
  }

  /** Registers {@code cluster}, or replaces the one of that name. */
  void put(Cluster cluster) throws StoreException;

  Optional<Cluster> get(String name) throws StoreException;

  /** Every registered cluster, by name. */
  List<Cluster> list() throws StoreException;

  /** Forgets the cluster; true if it was registered. */
  boolean remove(String name) throws StoreException;
}
