package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.ClusterStore.Cluster;
import dev.cairn.server.store.ScanStore.Scan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scan and cluster stores the scheduler works on, the same on files, H2 and PostgreSQL: each
 * factory opens the same storage again (as a restarted server would).
 */
abstract class ScheduleStoresContract {
  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  protected abstract ScanStore scans() throws Exception;

  protected abstract ClusterStore clusters() throws Exception;

  @Test
  void scans_areKeptWhole_perCluster_newestFirst() throws Exception {
    ScanStore s = scans();
    Scan first =
        s.add(
            new Scan(
                0,
                "prod",
                T.plusNanos(1234567),
                Map.of("cis", Map.of("high", 3, "low", 1), "nsa", Map.of("medium", 2)),
                "{\"report\":1}"));
    Scan second = s.add(new Scan(0, "prod", T.plusSeconds(3600), Map.of(), "{\"report\":2}"));
    s.add(new Scan(0, "staging", T, Map.of("pss", Map.of("high", 9)), "{}"));
    assertThat(first.id()).isPositive();
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(first.scannedAt()).as("kept to the microsecond").isEqualTo(T.plusNanos(1234000));
    ScanStore again = scans();
    assertThat(again.get(first.id())).contains(first);
    assertThat(again.latest("prod")).contains(second);
    List<Scan> history = again.history("prod", 10);
    assertThat(history).extracting(Scan::id).containsExactly(second.id(), first.id());
    assertThat(history.get(1).findings()).isEqualTo(first.findings());
    assertThat(history.get(1).reportJson()).as("history leaves reports out").isEmpty();
    assertThat(again.history("prod", 1)).hasSize(1);
    assertThat(again.history("prod", 0)).isEmpty();
    assertThat(again.latest("nowhere")).isEmpty();
    assertThat(again.get(999_999)).isEmpty();
    Scan third = again.add(new Scan(0, "prod", T.plusSeconds(7200), Map.of(), "{}"));
    assertThat(List.of(first.id(), second.id()))
        .as("ids are never reused")
        .doesNotContain(third.id());
  }

  @Test
  void clusters_areRegisteredReplacedAndRemoved_withACronSchedule() throws Exception {
    ClusterStore s = clusters();
    s.put(new Cluster("prod", "/etc/cairn/prod.kubeconfig", "0 3 * * *", T));
    s.put(new Cluster("edge", "/etc/cairn/edge.kubeconfig", "@daily", T));
    s.put(new Cluster("prod", "/etc/cairn/prod2.kubeconfig", "*/15 * * * 1-5", T.plusSeconds(5)));
    ClusterStore again = clusters();
    assertThat(again.list()).extracting(Cluster::name).containsExactly("edge", "prod");
    assertThat(again.get("prod"))
        .contains(
            new Cluster("prod", "/etc/cairn/prod2.kubeconfig", "*/15 * * * 1-5", T.plusSeconds(5)));
    assertThat(again.remove("edge")).isTrue();
    assertThat(again.remove("edge")).isFalse();
    assertThat(again.get("edge")).isEmpty();
    assertThat(clusters().list()).extracting(Cluster::name).containsExactly("prod");
    assertThatThrownBy(() -> new Cluster("prod", "/k", "every day", T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a cron schedule");
    assertThatThrownBy(() -> new Cluster("prod", "/k", "0 3 * * FUN", T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the day-of-week field 'FUN'");
    assertThatThrownBy(() -> new Cluster("Prod_1", "/k", "@daily", T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a cluster name");
  }
}
