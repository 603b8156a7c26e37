package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunLogs;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.RunTarget;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.steps.Delivery;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "pipeline",
    subcommands = {
      PipelineCommand.Run.class,
      PipelineCommand.Status.class,
      PipelineCommand.Logs.class,
      PipelineCommand.Cancel.class,
      PipelineCommand.Listen.class,
      PipelineCommand.Step.class
    })
final class PipelineCommand extends Sub {
  static RunEngine engine(Sub c) throws CairnException {
    return engine(c, null);
  }

  /**
   * The engine with every executor; with {@code jobs}, {@code run} steps that name an image run as
   * Kubernetes Jobs (closed with the engine's caller: see {@link JobsOptions#start}).
   */
  static RunEngine engine(
      Sub c, dev.cairn.deploy.jobs.@org.jspecify.annotations.Nullable KubernetesJobs jobs)
      throws CairnException {
    java.util.List<dev.cairn.pipeline.StepExecutor> more = new java.util.ArrayList<>();
    more.add(
        dev.cairn.pipeline.steps.Steps.deploy(
            dev.cairn.deploy.Deploys.pipelineTargets(c.home(), java.time.Clock.systemUTC())));
    if (jobs != null) {
      more.add(jobs);
    }
    return Delivery.engine(
        c.home(), c.env(), SecretSource.environment(c.env()), progress(c.err()), more);
  }

  /** Where {@code run} steps with an image run as Kubernetes Jobs; unused without a namespace. */
  static final class JobsOptions {
    @Option(names = "--jobs-namespace", paramLabel = "NS")
    @org.jspecify.annotations.Nullable
    String namespace;

    @Option(names = "--jobs-kubeconfig", paramLabel = "FILE")
    java.nio.file.@org.jspecify.annotations.Nullable Path kubeconfig;

    @Option(names = "--jobs-service-account", paramLabel = "SA")
    String serviceAccount = "cairn-dev";

    @Option(names = "--jobs-address", paramLabel = "IP")
    @org.jspecify.annotations.Nullable
    String address;

    @Option(names = "--jobs-agent-image", paramLabel = "REF")
    @org.jspecify.annotations.Nullable
    String agentImage;

    @Option(names = "--jobs-registry", paramLabel = "HOST[:PORT]")
    @org.jspecify.annotations.Nullable
    String registry;

    @Option(names = "--jobs-plain-http")
    boolean plainHttp;

    /** The Job executor these options ask for, or null without {@code --jobs-namespace}. */
    dev.cairn.deploy.jobs.@org.jspecify.annotations.Nullable KubernetesJobs start(Sub c)
        throws CairnException {
      if (namespace == null) {
        return null;
      }
      if (address == null) {
        throw ExitException.usage(
            "--jobs-namespace needs --jobs-address",
            "give this machine's address that the cluster's pods reach: they fetch the"
                + " workspace from it");
      }
      java.nio.file.Path kc = kubeconfig;
      if (kc == null) {
        String env = c.env().get("KUBECONFIG");
        kc =
            env != null && !env.isBlank()
                ? java.nio.file.Path.of(env)
                : java.nio.file.Path.of(c.env().getOrDefault("HOME", "."), ".kube", "config");
      }
      String agent = agentImage;
      if (agent == null) {
        if (registry == null) {
          throw ExitException.usage(
              "--jobs-namespace needs --jobs-agent-image or --jobs-registry",
              "name Cairn's agent image by digest, or a registry the cluster pulls from to push"
                  + " it to");
        }
        var b = dev.cairn.supplychain.Registries.builder();
        if (plainHttp) {
          b.allowPlainHttp(registry);
        }
        agent =
            dev.cairn.pipeline.steps.AgentImages.push(
                    b.build(),
                    dev.cairn.supplychain.ImageRef.parse(registry + "/cairn/agent:latest"),
                    c.home().dir("images"),
                    line -> c.err().println("cairn: " + line))
                .toString();
      }
      try {
        return dev.cairn.deploy.jobs.KubernetesJobs.start(
            new dev.cairn.deploy.jobs.JobsConfig(
                kc,
                null,
                namespace,
                serviceAccount,
                agent,
                address,
                dev.cairn.deploy.jobs.JobsConfig.NONROOT),
            dev.cairn.pipeline.Pipelines.localRunExecutor(c.env()),
            java.time.Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            String.valueOf(e.getMessage()), "give a namespace and a ServiceAccount name");
      }
    }
  }

  /** Step log lines as they come, on stderr: progress, not results. */
  static RunListener progress(PrintWriter err) {
    return new RunListener() {
      @Override
      public void log(String runId, String step, String line) {
        err.println("  " + step + " | " + Text.escape(line));
        err.flush();
      }
    };
  }

  /** The step outputs a person reads in the run's summary; {@code -o json} has them all. */
  static final List<String> SHOWN = List.of("commit", "tree", "digest", "image", "measurement");

  /** The run's outcome, for people; the exit code: 0 succeeded, 1 otherwise. */
  static int render(RunRecord r, PrintWriter out) {
    out.printf(
        "Run %s %s (%s at %s)%n",
        r.id(),
        r.state().toString().toLowerCase(java.util.Locale.ROOT),
        Text.escape(r.repository()),
        r.commit().isEmpty() ? "working tree" : r.commit());
    for (StepRecord s : r.steps()) {
      out.printf(
          "  %-12s %-10s %s%n",
          s.name(),
          s.state().toString().toLowerCase(java.util.Locale.ROOT),
          Text.escape(
              SHOWN.stream()
                  .filter(s.outputs()::containsKey)
                  .map(k -> k + " " + s.outputs().get(k))
                  .collect(java.util.stream.Collectors.joining(", "))));
    }
    if (r.failure() != null) {
      var f = r.failure();
      out.printf(
          "  failed at step %s%s: %s%n",
          f.step(), f.exitCode() == null ? "" : " (exit " + f.exitCode() + ")", f.message());
      f.lastLines().forEach(l -> out.println("    | " + Text.escape(l)));
    }
    out.flush();
    return r.state() == RunState.SUCCEEDED ? Main.OK : Main.FINDINGS;
  }

  @Command(name = "run")
  static final class Run extends Sub {
    @Parameters(paramLabel = "DIR|URL@COMMIT", descriptionKey = "pipeline-target")
    @SuppressWarnings("NullAway.Init")
    String target;

    @Option(names = "--rerun")
    boolean rerun;

    @Option(names = "--timeout", paramLabel = "MINUTES", converter = Options.Positive.class)
    int timeoutMinutes = 30;

    @Mixin Options.JsonOutput output = new Options.JsonOutput();

    @Mixin JobsOptions jobsOptions = new JobsOptions();

    @Override
    public Integer call() throws Exception {
      boolean json = output.json();
      RunRequest request =
          Delivery.request(
              RunTarget.parse(target),
              SecretSource.environment(env()),
              env().getOrDefault("USER", ""),
              note -> err().println("cairn: " + note));
      try (var jobs = jobsOptions.start(this);
          RunEngine engine = engine(this, jobs);
          OnExit onExit = new OnExit(engine)) {
        RunEngine.Submission s = engine.submit(request.withRerun(rerun));
        if (s.duplicate()) {
          err().println("cairn: the same commit ran before as " + s.run().id());
        }
        RunRecord r = engine.await(s.run().id(), Duration.ofMinutes(timeoutMinutes));
        if (!r.state().finished()) {
          err()
              .printf(
                  "cairn: run %s did not finish within --timeout %d minutes and is cancelled%n"
                      + "  perhaps you should raise --timeout, or see where it stopped with `cairn"
                      + " pipeline logs %s`%n",
                  r.id(), timeoutMinutes, r.id());
        }
        if (json) {
          out().print(Pipelines.json(r));
          out().flush();
          return r.state() == RunState.SUCCEEDED ? Main.OK : Main.FINDINGS;
        }
        return render(r, out());
      }
    }
  }

  /**
   * Ctrl-C or a TERM signal while runs are going: the engine cancels them (and stops their
   * processes) and records that, before the JVM exits. Removed once the command ends.
   */
  private static final class OnExit implements AutoCloseable {
    private final Thread hook;

    OnExit(AutoCloseable... resources) {
      hook =
          new Thread(
              () -> {
                for (AutoCloseable r : resources) {
                  try {
                    r.close();
                  } catch (Exception e) {
                    // exiting: the next engine marks what is left interrupted
                  }
                }
              },
              "cairn-exit");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs
      }
    }
  }

  @Command(name = "status")
  static final class Status extends Sub {
    @Parameters(paramLabel = "RUN", arity = "0..1", descriptionKey = "run-id")
    @Nullable String run;

    @Mixin Options.JsonOutput output = new Options.JsonOutput();

    @Override
    public Integer call() throws Exception {
      try (RunStore store = Pipelines.fileStore(home())) {
        List<RunRecord> runs = Pipelines.runs(store);
        if (run != null) {
          RunRecord r = find(runs, run);
          if (output.json()) {
            out().print(Pipelines.json(r));
            out().flush();
            return Main.OK;
          }
          render(r, out());
          return Main.OK;
        }
        if (output.json()) {
          out().print(Pipelines.json(runs));
        } else {
          String row = "%-22s %-11s %-13s %s%n";
          out().printf(row, "RUN", "STATE", "COMMIT", "REPOSITORY");
          for (RunRecord r : runs) {
            out()
                .printf(
                    row,
                    r.id(),
                    r.state().toString().toLowerCase(java.util.Locale.ROOT),
                    r.commit().isEmpty()
                        ? "working tree"
                        : r.commit().substring(0, Math.min(12, r.commit().length())),
                    Text.escape(r.repository()));
          }
        }
        out().flush();
        return Main.OK;
      }
    }
  }

  static RunRecord find(List<RunRecord> runs, String id) throws ExitException {
    return runs.stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                ExitException.usage(
                    "no pipeline run " + Text.escape(id),
                    "list the runs with `cairn pipeline status`"));
  }

  @Command(name = "logs")
  static final class Logs extends Sub {
    @Parameters(paramLabel = "RUN", descriptionKey = "run-id")
    @SuppressWarnings("NullAway.Init")
    String run;

    @Option(names = {"-f", "--follow"})
    boolean follow;

    @Override
    public Integer call() throws Exception {
      try (RunStore store = Pipelines.fileStore(home())) {
        find(store.list(), run);
        if (follow) {
          RunLogs.follow(store, run, s -> out().print(s), Duration.ofMillis(200));
        } else {
          out().print(RunLogs.text(store, run));
        }
        out().flush();
        return Main.OK;
      }
    }
  }

  @Command(name = "cancel")
  static final class Cancel extends Sub {
    @Parameters(paramLabel = "RUN", descriptionKey = "run-id")
    @SuppressWarnings("NullAway.Init")
    String run;

    @Override
    public Integer call() throws Exception {
      try (RunStore store = Pipelines.fileStore(home())) {
        RunRecord r = find(store.list(), run);
        if (r.state().finished()) {
          out().println("Run " + run + " already " + r.state());
          return Main.OK;
        }
        store.requestCancel(run);
        out().println("Asked run " + run + " to stop");
        out().flush();
        return Main.OK;
      }
    }
  }

  @Command(name = "listen")
  static final class Listen extends Sub {
    @Option(names = "--host")
    String host = "127.0.0.1";

    @Option(names = "--port")
    int port;

    @Option(names = "--secret-env", required = true, paramLabel = "VAR")
    @SuppressWarnings("NullAway.Init")
    String secretEnv;

    @Mixin JobsOptions jobsOptions = new JobsOptions();

    @Override
    public Integer call() throws Exception {
      if (port < 0 || port > 65535) {
        throw ExitException.usage("--port " + port + " is not a port", "pass 0 to 65535");
      }
      String value = env().get(secretEnv);
      if (value == null || value.isEmpty()) {
        throw ExitException.usage(
            "no webhook secret in " + secretEnv,
            "set " + secretEnv + " to the secret the forge signs its webhooks with");
      }
      try (var jobs = jobsOptions.start(this);
          RunEngine engine = engine(this, jobs);
          Delivery.Listener l =
              Delivery.listen(
                  home(),
                  Secret.ofUtf8(value),
                  SecretSource.environment(env())
                      .secret(Delivery.GIT_TOKEN)
                      .map(GitAuth::token)
                      .orElse(GitAuth.none()),
                  engine,
                  new InetSocketAddress(host, port),
                  run -> {
                    out().println("run " + run);
                    out().flush();
                  },
                  problem -> {
                    err().println("cairn: " + Text.escape(problem));
                    err().flush();
                  });
          OnExit onExit = new OnExit(l, engine)) {
        out().println("listening for webhooks on " + l.uri());
        out().flush();
        new CountDownLatch(1).await(); // until Ctrl-C or TERM: then OnExit stops both
      }
      return Main.OK;
    }
  }

  /**
   * One step of the workspace's pipeline, alone (what a Tekton Task exported by {@code cairn export
   * tekton} runs): the engine's executor for its kind, earlier steps' outputs from {@code
   * .cairn/outputs} in the workspace, a push step's image written as Tekton results.
   */
  @Command(name = "step")
  static final class Step extends Sub {
    /** A run id becomes part of paths (the build's work directory): letters, digits, . _ - only. */
    private static final java.util.regex.Pattern RUN_ID =
        java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** The files Tekton reads a Task's results from, as {@code cairn export tekton} names them. */
    static final String IMAGE_URL = "IMAGE_URL";

    static final String IMAGE_DIGEST = "IMAGE_DIGEST";

    @Parameters(paramLabel = "STEP", descriptionKey = "pipeline-step")
    @SuppressWarnings("NullAway.Init")
    String step;

    @Option(names = "--workspace", paramLabel = "DIR")
    java.nio.file.Path workspace = java.nio.file.Path.of(".");

    @Option(names = "--results", paramLabel = "DIR")
    java.nio.file.@Nullable Path results;

    @Override
    public Integer call() throws Exception {
      java.nio.file.Path ws = workspace.toAbsolutePath().normalize();
      if (!java.nio.file.Files.isDirectory(ws)) {
        throw ExitException.usage(
            "--workspace " + Text.escape(workspace.toString()) + " is not a directory",
            "give the directory the pipeline's steps share (the repository's working tree)");
      }
      String runId = env().getOrDefault("CAIRN_RUN_ID", "local");
      if (!RUN_ID.matcher(runId).matches()) {
        throw ExitException.usage(
            "CAIRN_RUN_ID '" + Text.escape(runId) + "' is not a run id",
            "use letters, digits, '.', '_' and '-' (a PipelineRun's name is one)");
      }
      String commit = env().getOrDefault("CAIRN_COMMIT", "");
      String ref = env().getOrDefault("CAIRN_REF", "");
      String repository = env().getOrDefault("CAIRN_REPOSITORY", "");
      if (repository.isBlank()) {
        repository = ws.toString();
      }
      dev.cairn.pipeline.PipelineDefinition def;
      if (!java.nio.file.Files.exists(ws.resolve(".cairn"))
          && !commit.isEmpty()
          && !env().getOrDefault("CAIRN_REPOSITORY", "").isBlank()) {
        // the first Task (checkout) starts in an empty workspace: the pipeline is the file at the
        // run's commit, read as `cairn pipeline run URL@COMMIT` reads it
        err()
            .println(
                "cairn: no .cairn in the workspace yet: reading the pipeline at "
                    + Text.escape(commit)
                    + " of "
                    + Text.escape(repository));
        def =
            Delivery.request(
                    RunTarget.parse(repository + "@" + commit),
                    SecretSource.environment(env()),
                    env().getOrDefault("USER", ""),
                    note -> err().println("cairn: " + Text.escape(note)))
                .definition();
      } else {
        def = Pipelines.load(ws);
      }
      dev.cairn.pipeline.StepSpec spec = Pipelines.step(def, step);
      RunRequest request;
      try {
        request =
            RunRequest.of(
                repository,
                commit,
                ref,
                dev.cairn.pipeline.Trigger.manual(env().getOrDefault("USER", ""), commit, ref),
                def);
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            "CAIRN_COMMIT '" + Text.escape(commit) + "' is not a commit id",
            "give the full hex commit id, or leave CAIRN_COMMIT unset for the working tree");
      }
      java.util.List<dev.cairn.pipeline.StepExecutor> more = new java.util.ArrayList<>();
      more.add(
          dev.cairn.pipeline.steps.Steps.deploy(
              dev.cairn.deploy.Deploys.pipelineTargets(home(), java.time.Clock.systemUTC())));
      PrintWriter err = err();
      err.println("cairn: step " + spec.name() + " (" + spec.kind().id() + ") in " + ws);
      err.flush();
      dev.cairn.pipeline.StepResult r =
          Pipelines.runStep(
              request,
              runId,
              spec.name(),
              ws,
              Delivery.executors(home(), env(), more),
              SecretSource.environment(env()),
              line -> {
                err.println("  " + spec.name() + " | " + Text.escape(line));
                err.flush();
              });
      if (!r.succeeded()) {
        out()
            .printf(
                "step %s failed%s%s%n",
                spec.name(),
                r.exitCode() == null ? "" : " with exit code " + r.exitCode(),
                r.message().isEmpty() ? "" : ": " + Text.escape(r.message()));
        out().flush();
        return Main.FINDINGS;
      }
      if (spec.kind() == dev.cairn.pipeline.StepKind.PUSH) {
        writeResults(r.outputs().get("image"));
      }
      out()
          .printf(
              "step %s succeeded%s%n",
              spec.name(),
              Text.escape(
                  new java.util.TreeMap<>(r.outputs())
                      .entrySet().stream()
                          .filter(e -> SHOWN.contains(e.getKey()))
                          .map(e -> ", " + e.getKey() + " " + e.getValue())
                          .collect(java.util.stream.Collectors.joining())));
      out().flush();
      return Main.OK;
    }

    /**
     * The pushed image as Tekton results: {@code --results DIR} gets {@code IMAGE_URL} and {@code
     * IMAGE_DIGEST}; {@code CAIRN_RESULT_IMAGE_URL} / {@code CAIRN_RESULT_IMAGE_DIGEST} (which the
     * export sets to {@code $(results.NAME.path)}) name the files themselves.
     */
    private void writeResults(@Nullable String image) throws CairnException {
      java.util.Map<String, java.nio.file.Path> files = new java.util.LinkedHashMap<>();
      if (results != null) {
        files.put(IMAGE_URL, results.resolve(IMAGE_URL));
        files.put(IMAGE_DIGEST, results.resolve(IMAGE_DIGEST));
      }
      for (String name : java.util.List.of(IMAGE_URL, IMAGE_DIGEST)) {
        String v = env().get("CAIRN_RESULT_" + name);
        if (v != null && !v.isBlank()) {
          files.put(name + " (env)", java.nio.file.Path.of(v));
        }
      }
      if (files.isEmpty()) {
        return;
      }
      if (image == null) {
        throw new ExitException(
            Main.FINDINGS, "the push step gave no image to write as Tekton results", null);
      }
      dev.cairn.supplychain.ImageRef ref = dev.cairn.supplychain.ImageRef.parse(image);
      var digest = ref.digest();
      if (digest == null) {
        throw new ExitException(
            Main.FINDINGS, "the push step's image " + image + " has no digest", null);
      }
      String url = ref.registry() + "/" + ref.repository();
      for (var e : files.entrySet()) {
        String value = e.getKey().startsWith(IMAGE_URL) ? url : digest.toString();
        try {
          java.nio.file.Path f = e.getValue().toAbsolutePath();
          if (f.getParent() != null) {
            java.nio.file.Files.createDirectories(f.getParent());
          }
          dev.cairn.core.AtomicFiles.write(f, value);
        } catch (java.io.IOException x) {
          throw new ExitException(
              Main.FINDINGS,
              "cannot write the Tekton result " + e.getValue() + ": " + Text.describe(x),
              "check that the results directory is writable");
        }
      }
    }
  }
}
