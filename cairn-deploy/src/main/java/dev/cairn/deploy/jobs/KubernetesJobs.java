package dev.cairn.deploy.jobs;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.core.TarWriter;
import dev.cairn.deploy.internal.JobRunner;
import dev.cairn.deploy.internal.WorkspaceServer;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.scanner.ClusterOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code run} step's executor for steps that name an {@code image}: each attempt a Job in
 * {@link JobsConfig#namespace}, as {@link JobsConfig#serviceAccount} (its token not mounted), never
 * root, without privilege escalation or capabilities. The workspace goes to the Job's pod as a tar
 * archive its init container (Cairn's agent image) fetches once with a one-time token and checks by
 * SHA-256; the step's secrets reach its container from a Secret owned by the Job, never from the
 * Job's spec. Files the step writes stay in its pod: later steps see the workspace as it was. Steps
 * without an image run on this machine, by {@code local}.
 */
public final class KubernetesJobs implements StepExecutor, AutoCloseable {
  /** The most a workspace archive may hold. */
  public static final long MAX_WORKSPACE = 2L << 30;

  private final JobsConfig config;
  private final StepExecutor local;
  private final JobRunner runner;
  private final WorkspaceServer workspaces;

  private KubernetesJobs(
      JobsConfig config, StepExecutor local, JobRunner runner, WorkspaceServer workspaces) {
    this.config = config;
    this.local = local;
    this.runner = runner;
    this.workspaces = workspaces;
  }

  /**
   * The executor: Jobs by {@code config}, steps without an image by {@code local} (the pipeline's
   * own run executor). Serves workspaces on {@link JobsConfig#address} until closed.
   */
  public static KubernetesJobs start(JobsConfig config, StepExecutor local, Clock clock)
      throws CairnException {
    if (local.kind() != StepKind.RUN) {
      throw new IllegalArgumentException("the local executor runs " + local.kind() + " steps");
    }
    WorkspaceServer server;
    try {
      server = new WorkspaceServer(config.address(), clock);
    } catch (IOException e) {
      throw new CairnException(
          "cannot serve workspaces on " + config.address() + ": " + e.getMessage(),
          "give an address of this machine that the cluster's pods reach (--jobs-address)",
          e);
    }
    try {
      JobRunner runner =
          new JobRunner(
              new ClusterOptions(config.kubeconfig(), config.context(), List.of(), 500),
              config.namespace(),
              config.serviceAccount(),
              config.agentImage(),
              config.runAsUser());
      return new KubernetesJobs(config, local, runner, server);
    } catch (CairnException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  @Override
  public StepKind kind() {
    return StepKind.RUN;
  }

  /** The Job's name for an attempt of a step: a DNS label, unique per run, step and attempt. */
  static String jobName(String runId, String step, int attempt) {
    String base =
        ("cairn-" + runId + "-" + step).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    String suffix = "-" + attempt;
    String hash = Digest.sha256(runId + "/" + step).hex().substring(0, 6);
    int room = 63 - suffix.length() - hash.length() - 1;
    if (base.length() > room) {
      base = base.substring(0, room);
    }
    base = base.replaceAll("-+$", "");
    return base + "-" + hash + suffix;
  }

  @Override
  public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
    String image = ctx.step().param("image", "");
    if (image.isEmpty()) {
      return local.execute(ctx);
    }
    Path workspace = ctx.workspace().toAbsolutePath().normalize();
    String workdir = ctx.step().param("workdir", ".");
    Path dir = workspace.resolve(workdir).normalize();
    if (!dir.startsWith(workspace)) {
      throw new PipelineException(
          ctx.step().location()
              + ": workdir of step '"
              + ctx.step().name()
              + "' leaves the workspace",
          "give a directory inside the repository");
    }
    Path archive;
    String sha;
    try {
      archive = Files.createTempFile("cairn-workspace-", ".tar");
      sha = pack(workspace, archive);
    } catch (IOException e) {
      throw new PipelineException(
          "cannot pack the workspace of step '"
              + ctx.step().name()
              + "' for its Job: "
              + e.getMessage(),
          "a Job's workspace holds regular files and directories only, at most "
              + MAX_WORKSPACE / (1 << 20)
              + " MiB");
    }
    WorkspaceServer.Offered offer =
        workspaces.offer(archive, ctx.step().timeout().plus(Duration.ofMinutes(5)));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/managed-by", "cairn");
    labels.put("cairn.dev/step", label(ctx.step().name()));
    labels.put("cairn.dev/run", label(ctx.runId()));
    String name = jobName(ctx.runId(), ctx.step().name(), ctx.attempt());
    ctx.log().line("running as Job " + config.namespace() + "/" + name + " in image " + image);
    ctx.onCancel(() -> runner.delete(name, name + "-env"));
    try {
      Map<String, Secret> secrets = ctx.secrets();
      JobRunner.Outcome o =
          runner.run(
              new JobRunner.Spec(
                  name,
                  labels,
                  image,
                  ctx.step().listParam("command"),
                  workspace.relativize(dir).toString(),
                  ctx.env(),
                  secrets,
                  offer.url().toString(),
                  offer.token(),
                  sha,
                  ctx.step().timeout()),
              new UnclosedOutput(ctx.log().output()),
              ctx::cancelled);
      if (ctx.cancelled()) {
        return StepResult.failed(
            o.exitCode(), "killed: the step was cancelled (Job deleted)", false);
      }
      return o.exitCode() != null && o.exitCode() == 0
          ? StepResult.succeeded(0, o.message())
          : StepResult.failed(o.exitCode(), o.message(), o.retryable());
    } catch (CairnException e) {
      throw new PipelineException(String.valueOf(e.getMessage()), e.hint().orElse(null));
    } finally {
      workspaces.withdraw(offer.id());
      offer.token().destroy();
    }
  }

  /** The step's log stream, not closed by the log watch when it ends. */
  private static final class UnclosedOutput extends java.io.FilterOutputStream {
    UnclosedOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  private static String label(String s) {
    String v = s.replaceAll("[^A-Za-z0-9._-]", "-");
    if (v.length() > 63) {
      v = v.substring(0, 63);
    }
    return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
  }

  /** Writes the workspace as a tar archive; returns its SHA-256 (hex). */
  static String pack(Path workspace, Path archive) throws IOException {
    List<Path> refused = new ArrayList<>();
    try (Stream<Path> s = Files.walk(workspace)) {
      s.filter(
              p ->
                  Files.isSymbolicLink(p)
                      || !(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                          || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)))
          .limit(1)
          .forEach(refused::add);
    }
    if (!refused.isEmpty()) {
      throw new IOException(
          "it holds "
              + workspace.relativize(refused.get(0))
              + ", which is not a regular file or directory");
    }
    var sha = Digest.newSha256();
    try (OutputStream file = Files.newOutputStream(archive);
        OutputStream out =
            new BufferedOutputStream(new java.security.DigestOutputStream(file, sha), 1 << 16);
        TarWriter tar = new TarWriter(out)) {
      tar.tree("", workspace);
    }
    if (Files.size(archive) > MAX_WORKSPACE) {
      Files.deleteIfExists(archive);
      throw new IOException("it is larger than " + MAX_WORKSPACE / (1 << 20) + " MiB");
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public void close() {
    workspaces.close();
    runner.close();
  }
}
