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
   * @param schedule when to scan it, in cron syntax ({@link dev.cairn.server.schedule.Cron}): five
   *     fields (minute hour day-of-month month day-of-week), or a macro such as {@code @daily}
   * @param registeredAt when it was registered
   */
  record Cluster(String name, String kubeconfig, String schedule, Instant registeredAt) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

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
      // the real parse: a bad schedule is refused naming its field, with what a schedule is
      dev.cairn.server.schedule.Cron.parse(schedule);
    }

    /** The schedule, read. */
    public dev.cairn.server.schedule.Cron cron() {
      return dev.cairn.server.schedule.Cron.parse(schedule);
    }

    /** Whether {@code s} is a cron schedule (five fields, or a macro). */
    public static boolean validSchedule(String s) {
      return dev.cairn.server.schedule.Cron.valid(s.strip());
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
