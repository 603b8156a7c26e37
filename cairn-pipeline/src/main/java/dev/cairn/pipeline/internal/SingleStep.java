package dev.cairn.pipeline.internal;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One step of a pipeline run alone in a workspace that other processes share (a Tekton Task's
 * container): the step's executor, chosen by kind as the engine chooses it, with the context the
 * engine gives (environment, secrets, masking, the step's timeout), earlier steps' outputs read
 * from {@code .cairn/outputs/<step>.json} in the workspace and this step's written there.
 *
 * <p>One attempt only: whatever runs the steps (Tekton) retries them.
 */
public final class SingleStep {
  /** Where steps' outputs are kept in the workspace, one JSON object per step. */
  public static final String OUTPUTS = ".cairn/outputs";

  private SingleStep() {}

  /** The step named {@code name}, or an error listing the steps there are. */
  public static StepSpec find(PipelineDefinition def, String name) throws PipelineException {
    for (StepSpec s : def.steps()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return throwNoStep(def, name);
  }

  private static StepSpec throwNoStep(PipelineDefinition def, String name)
      throws PipelineException {
    throw new PipelineException(
        "no step '" + dev.cairn.core.Text.escape(name) + "' in pipeline " + def.name(),
        "name one of its steps: "
            + String.join(", ", def.steps().stream().map(StepSpec::name).toList()));
  }

  public static StepResult run(
      RunRequest request,
      String runId,
      String name,
      Path workspace,
      Collection<StepExecutor> executors,
      SecretSource secrets,
      Consumer<String> log)
      throws PipelineException, InterruptedException {
    PipelineDefinition def = request.definition();
    StepSpec spec = find(def, name);
    Map<StepKind, StepExecutor> byKind = new EnumMap<>(StepKind.class);
    executors.forEach(e -> byKind.put(e.kind(), e));
    StepExecutor executor = byKind.get(spec.kind());
    if (executor == null) {
      throw new PipelineException(
          spec.location() + ": no executor for '" + spec.kind().id() + "' steps is set up here",
          "run this step where Cairn has one");
    }
    Path ws = workspace.toAbsolutePath().normalize();
    Masker masker = new Masker();
    Map<String, Secret> stepSecrets = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(spec.secrets()).entrySet()) {
      Optional<Secret> s = secrets.secret(e.getValue());
      if (s.isEmpty()) {
        throw new PipelineException(
            "secret '"
                + e.getValue()
                + "' of step '"
                + spec.name()
                + "' is not set; give it to Cairn in "
                + secrets.describe(e.getValue()),
            "set it in the step's environment");
      }
      masker.add(s.get());
      stepSecrets.put(e.getKey(), s.get());
    }
    Map<String, Map<String, String>> earlier = readOutputs(ws, def, spec);
    LineLog lines = new LineLog(masker.stream(new Lines(log)));
    Context ctx =
        new Context(
            request,
            runId,
            spec,
            ws,
            DefaultRunEngine.stepEnv(request, runId, spec),
            stepSecrets,
            earlier,
            lines,
            masker);
    StepResult result;
    try {
      result = execute(ctx, executor);
    } finally {
      lines.close();
    }
    Map<String, String> outputs = new TreeMap<>();
    if (result.succeeded()) {
      result.outputs().forEach((k, v) -> outputs.put(k, masker.mask(v)));
      writeOutputs(ws, spec.name(), outputs);
    }
    return new StepResult(
        result.succeeded(),
        result.exitCode(),
        masker.mask(result.message()),
        outputs,
        result.retryable());
  }

  /** Runs the executor on a thread of its own, cancelled at the step's timeout. */
  private static StepResult execute(Context ctx, StepExecutor executor)
      throws InterruptedException {
    StepSpec spec = ctx.step();
    Object done = new Object();
    @Nullable StepResult[] out = new StepResult[1];
    boolean[] finished = new boolean[1];
    Thread t =
        new Thread(
            () -> {
              StepResult r;
              try {
                r = executor.execute(ctx);
              } catch (PipelineException e) {
                r = StepResult.failed(null, String.valueOf(e.getMessage()), false);
              } catch (InterruptedException e) {
                r = StepResult.failed(null, "interrupted", false);
              } catch (RuntimeException | Error e) {
                r =
                    StepResult.failed(
                        null,
                        "the "
                            + spec.kind().id()
                            + " executor failed: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        false);
              }
              synchronized (done) {
                out[0] = r;
                finished[0] = true;
                done.notifyAll();
              }
            },
            "cairn-step-" + spec.name());
    t.setDaemon(true);
    ctx.thread = t;
    t.start();
    long end = System.nanoTime() + spec.timeout().toNanos();
    try {
      if (!await(done, finished, end)) {
        ctx.cancel();
        await(done, finished, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        ctx.log.line("[cairn] timed out after " + DefaultRunEngine.human(spec.timeout()));
        return StepResult.failed(
            null, "timed out after " + DefaultRunEngine.human(spec.timeout()), true);
      }
    } catch (InterruptedException e) {
      ctx.cancel();
      throw e;
    }
    StepResult r = out[0];
    return r == null ? StepResult.failed(null, "interrupted", false) : r;
  }

  private static boolean await(Object done, boolean[] finished, long deadline)
      throws InterruptedException {
    synchronized (done) {
      while (!finished[0]) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(done, left);
      }
      return true;
    }
  }

  /** The outputs file of step {@code name} in {@code workspace}. */
  public static Path outputsFile(Path workspace, String name) {
    return workspace.resolve(OUTPUTS).resolve(name + ".json");
  }

  /** The outputs of the steps before {@code spec} that have an outputs file in the workspace. */
  static Map<String, Map<String, String>> readOutputs(
      Path ws, PipelineDefinition def, StepSpec spec) throws PipelineException {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    for (StepSpec s : def.steps()) {
      if (s.name().equals(spec.name())) {
        break;
      }
      Path f = outputsFile(ws, s.name());
      if (!Files.isRegularFile(f)) {
        continue;
      }
      Map<String, String> values = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, Object> e : Json.parseObject(Files.readString(f)).entrySet()) {
          if (!(e.getValue() instanceof String v)) {
            throw new IOException("output '" + e.getKey() + "' is not a string");
          }
          values.put(e.getKey(), v);
        }
      } catch (IOException | RuntimeException e) {
        throw new PipelineException(
            "cannot read the outputs of step '"
                + s.name()
                + "' from "
                + ws.relativize(f)
                + ": "
                + (e instanceof IOException io
                    ? dev.cairn.core.Text.describe(io)
                    : e.getClass().getSimpleName()),
            "run step '" + s.name() + "' again: it writes the file when it succeeds");
      }
      all.put(s.name(), values);
    }
    return all;
  }

  static void writeOutputs(Path ws, String name, Map<String, String> outputs)
      throws PipelineException {
    Path f = outputsFile(ws, name);
    try {
      Files.createDirectories(f.getParent());
      AtomicFiles.write(f, Json.pretty(new TreeMap<>(outputs)));
    } catch (IOException e) {
      throw new PipelineException(
          "cannot write the outputs of step '"
              + name
              + "' to "
              + f
              + ": "
              + dev.cairn.core.Text.describe(e),
          "check that the workspace is writable");
    }
  }

  /** Masked bytes in, lines out. */
  private static final class Lines extends OutputStream {
    private final Consumer<String> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Lines(Consumer<String> sink) {
      this.sink = sink;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          emit();
        } else if (line.size() < 64 * 1024) {
          line.write(b[i]);
        }
      }
    }

    private void emit() {
      String l = line.toString(StandardCharsets.UTF_8);
      line.reset();
      try {
        sink.accept(l);
      } catch (RuntimeException e) {
        // the log is the caller's; the step goes on
      }
    }

    @Override
    public synchronized void close() {
      if (line.size() > 0) {
        emit();
      }
    }
  }

  private static final class LineLog implements StepContext.StepLog {
    private final OutputStream out;
    private final OutputStream shared;

    LineLog(OutputStream masked) {
      this.out = masked;
      this.shared =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
              out.flush();
            }

            @Override
            public void close() {
              // closed when the step ends
            }
          };
    }

    @Override
    public void line(String text) {
      try {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // best effort: the result still tells the outcome
      }
    }

    @Override
    public OutputStream output() {
      return shared;
    }

    void close() {
      try {
        out.close();
      } catch (IOException e) {
        // what reached the log stays
      }
    }
  }

  private static final class Context implements StepContext {
    private final RunRequest request;
    private final String runId;
    private final StepSpec spec;
    private final Path workspace;
    private final Map<String, String> env;
    private final Map<String, Secret> secrets;
    private final Map<String, Map<String, String>> outputs;
    final LineLog log;
    private final Masker masker;
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;
    volatile @Nullable Thread thread;

    Context(
        RunRequest request,
        String runId,
        StepSpec spec,
        Path workspace,
        Map<String, String> env,
        Map<String, Secret> secrets,
        Map<String, Map<String, String>> outputs,
        LineLog log,
        Masker masker) {
      this.request = request;
      this.runId = runId;
      this.spec = spec;
      this.workspace = workspace;
      this.env = Map.copyOf(env);
      this.secrets = Map.copyOf(secrets);
      this.outputs = Map.copyOf(outputs);
      this.log = log;
      this.masker = masker;
    }

    void cancel() {
      synchronized (this) {
        if (cancelled) {
          return;
        }
        cancelled = true;
      }
      for (Runnable r : onCancel) {
        try {
          r.run();
        } catch (RuntimeException e) {
          // the others still run
        }
      }
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public RunRequest request() {
      return request;
    }

    @Override
    public StepSpec step() {
      return spec;
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public Path workspace() {
      return workspace;
    }

    @Override
    public Map<String, String> env() {
      return env;
    }

    @Override
    public Map<String, Secret> secrets() {
      return secrets;
    }

    @Override
    public Map<String, Map<String, String>> outputs() {
      return outputs;
    }

    @Override
    public StepLog log() {
      return log;
    }

    @Override
    public void mask(Secret secret) {
      masker.add(secret);
    }

    @Override
    public boolean cancelled() {
      return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
      onCancel.add(action);
      if (cancelled) {
        action.run();
      }
    }

    @Override
    public String toString() {
      return "step " + spec.name() + " of run " + runId + " (alone)";
    }
  }
}
