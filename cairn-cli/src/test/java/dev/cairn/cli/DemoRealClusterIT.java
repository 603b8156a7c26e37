package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn demo --cluster real}: start a control plane, deploy the samples, scan it, stop it.
 */
@Tag("real-cluster")
class DemoRealClusterIT {
  @Test
  void demo_realCluster_deploysScansAndStops(@TempDir Path tmp) throws Exception {
    CliTest.Run r = CliTest.run("demo", "--cluster", "real", "--dir", tmp.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("== 2. Scan the live cluster https://127.0.0.1:")
        .contains("identity sha256:")
        .contains("DaemonSet monitoring/node-agent")
        .contains("CRN-102  FAILED");
    assertThat(Files.readString(tmp.resolve("report.json")))
        .contains("\"schema\" : \"cairn.dev/scan-report/v1\"");
    assertThat(tmp.resolve("cluster/run")).doesNotExist(); // stopped
  }
}
