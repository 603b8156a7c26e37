package dev.cairn.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/test-cluster: minimal mode, status, and the watchdog that stops a killed owner's cluster.
 */
class TestClusterScriptIT {
  @TempDir Path dir;

  private static Process run(Path dir, long ownerPid, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(RealClusterExtension.script().toString());
    pb.command().addAll(List.of(args));
    pb.command().add(dir.toString());
    pb.environment().put("CAIRN_CLUSTER_MODE", "minimal");
    if (ownerPid > 0) {
      pb.environment().put("CAIRN_CLUSTER_OWNER_PID", Long.toString(ownerPid));
    }
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("script.log").toFile()));
    return pb.start();
  }

  private static List<Long> pids(Path dir) throws Exception {
    Path f = dir.resolve("run/pids");
    if (!Files.exists(f)) {
      return List.of();
    }
    return Files.readAllLines(f).stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
  }

  @Test
  void killedOwner_clusterIsStoppedByTheWatchdog() throws Exception {
    // the owner must outlive a cold first build (14-35 min); it is killed below, or at the end
    Process owner = new ProcessBuilder("sleep", "infinity").start();
    try {
      ownerDies_clusterStops(owner);
    } finally {
      owner.destroyForcibly();
    }
  }

  private void ownerDies_clusterStops(Process owner) throws Exception {
    Process up = run(dir, owner.pid(), "up");
    String kubeconfig = new String(up.getInputStream().readAllBytes()).strip();
    // on a fresh machine the first `up` builds the binaries (15-35 min)
    assertThat(up.waitFor(60, TimeUnit.MINUTES)).isTrue();
    assertThat(up.exitValue()).as(Files.readString(dir.resolve("script.log"))).isZero();
    assertThat(Path.of(kubeconfig)).exists();
    List<Long> started = pids(dir);
    assertThat(started).hasSize(2); // etcd + kube-apiserver
    assertThat(started)
        .allSatisfy(
            p -> assertThat(ProcessHandle.of(p).map(ProcessHandle::isAlive)).contains(true));
    Process status = run(dir, 0, "status");
    assertThat(new String(status.getInputStream().readAllBytes()))
        .contains("kube-apiserver pid=")
        .contains("alive");
    owner.destroyForcibly(); // kill -9, as a crashed test JVM
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                assertThat(started)
                    .allSatisfy(
                        p ->
                            assertThat(
                                    ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                                .isFalse()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !Files.exists(dir.resolve("run")));
  }
}
