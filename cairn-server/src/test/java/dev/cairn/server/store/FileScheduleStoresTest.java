package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.store.ScanStore.Scan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file stores of a server without a database against {@link ScheduleStoresContract}, and what a
 * crash or a damaged file leaves.
 */
class FileScheduleStoresTest extends ScheduleStoresContract {
  @TempDir Path dir;

  @Override
  protected ScanStore scans() {
    return Stores.fileScans(dir.resolve("server/scans"));
  }

  @Override
  protected ClusterStore clusters() {
    return Stores.fileClusters(dir.resolve("server/clusters.json"));
  }

  @Test
  void aReportWithoutItsSummary_isNoScan_andItsIdIsTakenAgain() throws Exception {
    Scan one = scans().add(new Scan(0, "prod", T, Map.of("cis", Map.of("high", 1)), "{\"a\":1}"));
    // a crash after the report of the next scan was written, before its summary
    Files.writeString(dir.resolve("server/scans/" + (one.id() + 1) + ".report.json"), "{\"torn");
    ScanStore again = scans();
    assertThat(again.history("prod", 10)).extracting(Scan::id).containsExactly(one.id());
    Scan two = again.add(new Scan(0, "prod", T.plusSeconds(60), Map.of(), "{\"b\":2}"));
    assertThat(two.id()).isEqualTo(one.id() + 1);
    assertThat(scans().get(two.id()).orElseThrow().reportJson()).isEqualTo("{\"b\":2}");
    try (var files = Files.list(dir.resolve("server/scans"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary files left")
          .allMatch(n -> n.matches("[0-9]+(\\.report)?\\.json"));
    }
  }

  @Test
  void aDamagedClustersFile_isReportedWithTheFileAndAHint() throws Exception {
    Path f = dir.resolve("server/clusters.json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "{\"clusters\": [{\"name\": \"prod\"");
    assertThatThrownBy(() -> clusters().list())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot read the registered clusters in " + f)
        .satisfies(
            e ->
                assertThat(((StoreException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("move a damaged file away")));
  }
}
