package dev.cairn.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real control plane per test run (per JVM) with {@code scripts/test-cluster up}, hands
 * it to tests as a {@link RealCluster} parameter, and stops it when the run ends: from the JUnit
 * root store, from a JVM shutdown hook, and, if the JVM is killed, from the script's watchdog.
 *
 * <p>A class annotated {@code @RealClusterTest(realNode = true)} also gets the machine's real node
 * ({@code scripts/test-cluster node up}, a {@link RealNode} parameter) from before its first test
 * to after its last; the same three ways stop it. One real node runs per machine: a second JVM
 * asking for it waits (up to 30 min) until the first one's class is done.
 */
public final class RealClusterExtension implements ParameterResolver, BeforeAllCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(RealClusterExtension.class);
  private static final Object LOCK = new Object();
  private static @Nullable Handle handle;

  /** Stops the cluster when JUnit closes the root store at the end of the run. */
  private static final class Handle implements AutoCloseable {
    final RealCluster cluster;
    final Path script;
    final Path dir;

    Handle(RealCluster cluster, Path script, Path dir) {
      this.cluster = cluster;
      this.script = script;
      this.dir = dir;
    }

    @Override
    public void close() {
      cluster.close();
      stop(script, dir);
    }
  }

  /** Stops the real node when JUnit closes the store of the class that asked for it. */
  private static final class NodeHandle implements AutoCloseable {
    final RealCluster cluster;
    final Path script;

    NodeHandle(RealCluster cluster, Path script) {
      this.cluster = cluster;
      this.script = script;
    }

    @Override
    public void close() {
      synchronized (LOCK) {
        cluster.realNode(null);
        run(script, "node", "stop", cluster.dir().toString());
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == RealCluster.class
        || p.getParameter().getType() == RealNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    RealCluster c = cluster(e);
    return p.getParameter().getType() == RealNode.class ? c.realNode() : c;
  }

  @Override
  public void beforeAll(ExtensionContext e) {
    RealClusterTest a = e.getRequiredTestClass().getAnnotation(RealClusterTest.class);
    if (a == null || !a.realNode()) {
      return;
    }
    RealCluster c = cluster(e);
    synchronized (LOCK) {
      try {
        c.realNode();
        return; // an enclosing class has it
      } catch (IllegalStateException notRunning) {
        // start it below
      }
      Path script = script();
      startNode(script, c);
      e.getStore(NS).put("real-node", new NodeHandle(c, script));
    }
  }

  private static void startNode(Path script, RealCluster c) {
    Path log = c.dir().resolve("node-up.log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(List.of(script.toString(), "node", "up", c.dir().toString()));
      pb.environment().put("CAIRN_CLUSTER_OWNER_PID", Long.toString(ProcessHandle.current().pid()));
      pb.environment().put("CAIRN_NODE_WAIT", "1800");
      pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process proc = pb.start();
      proc.getInputStream().readAllBytes();
      // the first time on a machine: apt-get install, the kubelet and crictl built (~4 min warm)
      if (!proc.waitFor(60, TimeUnit.MINUTES) || proc.exitValue() != 0) {
        proc.destroyForcibly();
        throw new IllegalStateException(
            "scripts/test-cluster node up failed; see " + log + ":\n" + tail(log));
      }
      c.realNode(new RealNode(c, c.dir().resolve("node")));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the real node: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the real node", e);
    }
  }

  /** The run's cluster, started on first use. */
  public static RealCluster cluster(ExtensionContext e) {
    synchronized (LOCK) {
      if (handle == null) {
        handle = start();
        Handle h = handle;
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> stop(h.script, h.dir), "cairn-test-cluster-stop"));
        e.getRoot()
            .getStore(ExtensionContext.Namespace.create(RealClusterExtension.class))
            .put("cluster", h);
      }
      return handle.cluster;
    }
  }

  static Path script() {
    Path p = Path.of("").toAbsolutePath();
    for (; p != null; p = p.getParent()) {
      Path s = p.resolve("scripts/test-cluster");
      if (Files.isExecutable(s)) {
        return s;
      }
    }
    throw new IllegalStateException(
        "scripts/test-cluster not found above " + Path.of("").toAbsolutePath());
  }

  private static Handle start() {
    Path script = script();
    Path dir = Path.of("target", "test-cluster").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      Path log = dir.resolve("up.log");
      ProcessBuilder pb = new ProcessBuilder(List.of(script.toString(), "up", dir.toString()));
      pb.environment().put("CAIRN_CLUSTER_OWNER_PID", Long.toString(ProcessHandle.current().pid()));
      pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process proc = pb.start();
      String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      // a cold machine builds the binaries first (up to ~35 min); a warm start takes ~10 s
      if (!proc.waitFor(60, TimeUnit.MINUTES) || proc.exitValue() != 0) {
        throw new IllegalStateException(
            "scripts/test-cluster up failed; see " + log + ":\n" + tail(log));
      }
      Path kubeconfig = Path.of(out.lines().reduce((a, b) -> b).orElse(""));
      return new Handle(new RealCluster(dir, kubeconfig), script, dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test cluster: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the test cluster", e);
    }
  }

  static void stop(Path script, Path dir) {
    run(script, "stop", dir.toString());
  }

  /** Runs the script to its end (best effort: the watchdog cleans up if this fails). */
  private static void run(Path script, String... args) {
    try {
      List<String> argv = new java.util.ArrayList<>();
      argv.add(script.toString());
      argv.addAll(List.of(args));
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(90, TimeUnit.SECONDS);
    } catch (IOException e) {
      // best effort: the watchdog stops it when this JVM is gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
