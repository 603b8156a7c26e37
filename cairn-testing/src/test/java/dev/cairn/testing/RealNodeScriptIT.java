package dev.cairn.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/test-cluster's real node: one per machine (a second cluster's {@code node up} is refused
 * while it runs), stopped with its cluster by the watchdog when the owner is killed, and a second
 * {@code stop} finds nothing left to do.
 */
class RealNodeScriptIT {
  private static final Path OWNER_FILE = Path.of("/run/cairn-realnode.owner");
  private static final Path BRIDGE = Path.of("/sys/class/net/rn0");

  @TempDir Path dir;
  @TempDir Path other;

  private static Process run(Path dir, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(RealClusterExtension.script().toString());
    pb.command().addAll(List.of(args));
    pb.command().add(dir.toString());
    pb.environment().put("CAIRN_CLUSTER_MODE", "minimal");
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("script.log").toFile()));
    return pb.start();
  }

  private static List<Long> pids(Path file) throws Exception {
    List<Long> out = new ArrayList<>();
    if (Files.exists(file)) {
      for (String l : Files.readAllLines(file)) {
        out.add(Long.parseLong(l.split(" ")[1]));
      }
    }
    return out;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Sends {@code CONNECT target} to the proxy on a unix socket; returns its status line. */
  private static String connect(Path socket, String target) throws Exception {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(
          ByteBuffer.wrap(
              ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(256);
      StringBuilder line = new StringBuilder();
      while (line.indexOf("\r\n") < 0 && ch.read(buf) > 0) {
        buf.flip();
        line.append(StandardCharsets.US_ASCII.decode(buf));
        buf.clear();
      }
      return line.toString();
    }
  }

  @Test
  void killedOwner_nodeStopsWithTheCluster_andASecondNodeIsRefused() throws Exception {
    Process owner = new ProcessBuilder("sleep", "infinity").start();
    try {
      Process up =
          run(
              dir,
              Map.of(
                  "CAIRN_CLUSTER_NODE", "real",
                  "CAIRN_CLUSTER_OWNER_PID", Long.toString(owner.pid()),
                  "CAIRN_NODE_WAIT", "1800"),
              "up");
      up.getInputStream().readAllBytes();
      // a fresh machine installs containerd and builds the control plane and the kubelet first
      assertThat(up.waitFor(60, TimeUnit.MINUTES)).isTrue();
      String log = Files.readString(dir.resolve("script.log"));
      assertThat(up.exitValue()).as(log).isZero();
      assertThat(log).contains("real node realnode-0 Ready at 10.88.0.1");
      List<Long> node = pids(dir.resolve("node/pids"));
      List<Long> controlPlane = pids(dir.resolve("run/pids"));
      assertThat(node)
          .hasSize(3)
          .allSatisfy(p -> assertThat(alive(p)).isTrue()); // proxy, containerd, kubelet
      assertThat(Files.readString(OWNER_FILE).strip()).isEqualTo(dir.toString());
      assertThat(BRIDGE).exists();

      // the API server's egress proxy tunnels to the kubelet, refuses anything off the machine
      Path egress = dir.resolve("run/egress.sock");
      assertThat(connect(egress, "10.88.0.1:10250")).startsWith("HTTP/1.1 200 ");
      assertThat(connect(egress, "127.0.0.1:1")).startsWith("HTTP/1.1 502 ");
      assertThat(connect(egress, "10.89.0.1:10250")).startsWith("HTTP/1.1 403 ");
      assertThat(connect(egress, "192.0.2.1:443")).startsWith("HTTP/1.1 403 ");
      assertThat(connect(egress, "example.invalid:443")).startsWith("HTTP/1.1 403 ");
      assertThat(Files.readString(dir.resolve("node/log/egress-proxy.log")))
          .contains("tunnel 10.88.0.1:10250")
          .contains("refused CONNECT 192.0.2.1:443 HTTP/1.1");

      // one real node per machine: another cluster's `node up` is refused, and names the owner
      Files.createDirectories(other.resolve("run"));
      Files.writeString(other.resolve("run/server"), "https://127.0.0.1:1\n");
      Process second = run(other, Map.of("CAIRN_NODE_WAIT", "0"), "node", "up");
      assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(second.exitValue()).isEqualTo(1);
      assertThat(Files.readString(other.resolve("script.log"), StandardCharsets.UTF_8))
          .contains("a real node already runs on this machine, for the cluster in " + dir);
      assertThat(node).allSatisfy(p -> assertThat(alive(p)).isTrue());

      owner.destroyForcibly(); // kill -9, as a crashed test JVM
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                assertThat(node).allSatisfy(p -> assertThat(alive(p)).isFalse());
                assertThat(controlPlane).allSatisfy(p -> assertThat(alive(p)).isFalse());
                assertThat(OWNER_FILE).doesNotExist();
                assertThat(BRIDGE).doesNotExist();
                assertThat(dir.resolve("run")).doesNotExist();
                assertThat(dir.resolve("node")).doesNotExist();
              });
      Process rules = new ProcessBuilder("iptables", "-S", "FORWARD").start();
      assertThat(new String(rules.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .doesNotContain("rn0");

      Process again = run(dir, Map.of(), "stop");
      assertThat(again.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(again.exitValue()).isZero();
    } finally {
      owner.destroyForcibly();
      run(dir, Map.of(), "stop").waitFor(2, TimeUnit.MINUTES);
    }
  }
}
