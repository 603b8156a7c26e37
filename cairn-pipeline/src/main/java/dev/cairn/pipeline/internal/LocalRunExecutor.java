package dev.cairn.pipeline.internal;

import dev.cairn.attest.MeasuredJvm;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code run} step as a process on this machine: started in the workspace (or a directory below
 * it) with a scrubbed environment (only {@link MeasuredJvm#BASE_ENVIRONMENT} of Cairn's own, then
 * the step's env and secrets), stdout and stderr streamed into the step's log, its exit code
 * recorded. Cancelling kills it and every process it started.
 */
public final class LocalRunExecutor implements StepExecutor {
  private final Map<String, String> hostEnv;

  public LocalRunExecutor(Map<String, String> hostEnv) {
    this.hostEnv = Map.copyOf(hostEnv);
  }

  @Override
  public StepKind kind() {
    return StepKind.RUN;
  }

  @Override
  public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
    List<String> command = ctx.step().listParam("command");
    String image = ctx.step().param("image", "");
    if (!image.isEmpty()) {
      throw new PipelineException(
          ctx.step().location()
              + ": step '"
              + ctx.step().name()
              + "' runs in image "
              + image
              + ", but this engine runs commands on its own machine",
          "run it with an executor that starts containers (the Kubernetes Job executor), or"
              + " remove 'image'");
    }
    Path workspace = ctx.workspace().toAbsolutePath().normalize();
    Path dir = workspace.resolve(ctx.step().param("workdir", ".")).normalize();
    if (!dir.startsWith(workspace)) {
      throw new PipelineException(
          ctx.step().location()
              + ": workdir of step '"
              + ctx.step().name()
              + "' leaves the workspace",
          "give a directory inside the repository");
    }
    if (!Files.isDirectory(dir)) {
      return StepResult.failed(
          null,
          "workdir " + workspace.relativize(dir) + " is not a directory of the workspace",
          false);
    }
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.clear();
    Set<String> keep = new HashSet<>(MeasuredJvm.BASE_ENVIRONMENT);
    for (String k : keep) {
      String v = hostEnv.get(k);
      if (v != null) {
        env.put(k, v);
      }
    }
    env.putAll(ctx.env());
    for (Map.Entry<String, Secret> s : ctx.secrets().entrySet()) {
      byte[] b = s.getValue().bytes();
      env.put(s.getKey(), new String(b, StandardCharsets.UTF_8));
      java.util.Arrays.fill(b, (byte) 0);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return StepResult.failed(
          null, "cannot start " + command.get(0) + ": " + firstLine(e.getMessage()), false);
    }
    ctx.onCancel(() -> killTree(p));
    OutputStream log = ctx.log().output();
    try (InputStream in = p.getInputStream()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) {
        log.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the process's output closed under us: killed, or it closed it itself
    }
    try {
      int exit = p.waitFor();
      if (ctx.cancelled()) {
        return StepResult.failed(exit, "killed: the step was cancelled", false);
      }
      return exit == 0
          ? StepResult.succeeded(0, "exited with 0")
          : StepResult.failed(exit, "exited with " + exit, true);
    } catch (InterruptedException e) {
      killTree(p);
      throw e;
    } finally {
      if (p.isAlive()) {
        killTree(p);
      }
    }
  }

  private static String firstLine(@org.jspecify.annotations.Nullable String s) {
    if (s == null) {
      return "no reason given";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Kills {@code p} and every descendant, children before parents are gone from the tree. */
  static void killTree(Process p) {
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroyForcibly();
    for (ProcessHandle h : tree) {
      // what a child started after the snapshot, before it is killed itself
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      h.destroyForcibly();
    }
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
