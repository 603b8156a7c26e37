package dev.cairn.pipeline.internal;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.Secret;
import dev.cairn.core.SourceLocation;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.StepState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The run engine: see {@link RunEngine}. */
public final class DefaultRunEngine implements RunEngine {
  private static final int LAST_LINES = 20;

  private final RunStore store;
  private final Map<StepKind, StepExecutor> executors;
  private final SecretSource secrets;
  private final Path workspaces;
  private final int maxConcurrentRuns;
  private final Clock clock;
  private final RunListener listener;
  private final List<Secret> engineSecrets;
  private final Duration cancelGrace;
  private final ScheduledExecutorService poller;

  private final Object lock = new Object();
  private final LinkedHashMap<String, Active> queued = new LinkedHashMap<>();
  private final Map<String, Active> running = new HashMap<>();
  private final Set<String> busyKeys = new HashSet<>();
  private boolean closed;

  public DefaultRunEngine(
      RunStore store,
      Map<StepKind, StepExecutor> executors,
      SecretSource secrets,
      Path workspaces,
      int maxConcurrentRuns,
      Clock clock,
      RunListener listener,
      List<Secret> engineSecrets,
      Duration cancelGrace,
      Duration pollInterval,
      boolean keepWorkspaces)
      throws PipelineException {
    this.store = store;
    this.executors = executors;
    this.secrets = secrets;
    this.workspaces = workspaces.toAbsolutePath().normalize();
    this.maxConcurrentRuns = maxConcurrentRuns;
    this.clock = clock;
    this.listener = listener;
    this.engineSecrets = engineSecrets;
    this.cancelGrace = cancelGrace;
    this.keepWorkspaces = keepWorkspaces;
    for (RunRecord r : store.interruptOrphans(clock.instant())) {
      tell(r);
    }
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-run-poller");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(10, pollInterval.toMillis());
    var unused = poller.scheduleWithFixedDelay(this::pollCancels, ms, ms, TimeUnit.MILLISECONDS);
  }

  private final boolean keepWorkspaces;

  /** A run this engine holds, queued or running. */
  private final class Active {
    final RunRequest request;
    final String key;
    final RunStore.Lease lease;
    final Masker masker = new Masker();
    final CountDownLatch done = new CountDownLatch(1);
    volatile RunRecord record;
    volatile @Nullable String cancelReason;
    volatile @Nullable Attempt attempt;

    Active(RunRequest request, RunRecord record, RunStore.Lease lease) {
      this.request = request;
      this.record = record;
      this.key = record.concurrencyKey();
      this.lease = lease;
      engineSecrets.forEach(masker::add);
    }

    String id() {
      return record.id();
    }

    void cancel(String reason) {
      Attempt a;
      synchronized (this) {
        if (cancelReason == null) {
          cancelReason = reason;
        }
        a = attempt;
        notifyAll();
      }
      if (a != null) {
        a.cancel(reason);
      }
    }

    /** Waits {@code d} unless cancelled first; true if cancelled. */
    synchronized boolean sleepUnlessCancelled(Duration d) {
      long end = System.nanoTime() + d.toNanos();
      while (cancelReason == null) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return cancelReason != null;
        }
      }
      return true;
    }
  }

  // ---------------------------------------------------------------- submitting

  @Override
  public Submission submit(RunRequest request) throws PipelineException {
    PipelineDefinition def = request.definition();
    List<Diagnostic> missing = new ArrayList<>();
    List<String> lines = def.text().lines().toList();
    for (StepSpec s : def.steps()) {
      if (!executors.containsKey(s.kind())) {
        SourceLocation at = s.location();
        missing.add(
            new Diagnostic(
                at,
                "no executor for '"
                    + s.kind().id()
                    + "' steps is set up here (this engine runs: "
                    + String.join(
                        ", ", executors.keySet().stream().sorted().map(StepKind::id).toList())
                    + ")",
                at.line() >= 1 && at.line() <= lines.size() ? lines.get(at.line() - 1) : null));
      }
    }
    if (!missing.isEmpty()) {
      throw new PipelineException(missing);
    }
    synchronized (lock) {
      if (closed) {
        throw new PipelineException("the run engine has stopped", null);
      }
    }
    RunStore.Created c = store.create(RunRecord.queued(request, clock.instant()), def.text());
    RunStore.Lease lease = c.lease();
    if (c.existing() || lease == null) {
      return new Submission(c.record(), true);
    }
    Active a = new Active(request, c.record(), lease);
    tell(a.record);
    List<Active> superseded = new ArrayList<>();
    synchronized (lock) {
      if (def.concurrency().mode() == PipelineDefinition.ConcurrencyMode.CANCEL_SUPERSEDED) {
        for (Active o : queued.values()) {
          if (o.key.equals(a.key)) {
            superseded.add(o);
          }
        }
        for (Active o : running.values()) {
          if (o.key.equals(a.key)) {
            superseded.add(o);
          }
        }
      }
      queued.put(a.id(), a);
    }
    for (Active o : superseded) {
      cancelActive(
          o, "superseded by run " + a.id() + " of commit " + shortCommit(request.commit()));
    }
    dispatch();
    return new Submission(a.record, false);
  }

  private static String shortCommit(String c) {
    return c.length() > 12 ? c.substring(0, 12) : c.isEmpty() ? "(working tree)" : c;
  }

  private void dispatch() {
    List<Active> start = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (var it = queued.values().iterator(); it.hasNext(); ) {
        if (running.size() >= maxConcurrentRuns) {
          break;
        }
        Active a = it.next();
        if (busyKeys.contains(a.key)) {
          continue;
        }
        it.remove();
        running.put(a.id(), a);
        busyKeys.add(a.key);
        start.add(a);
      }
    }
    for (Active a : start) {
      Thread t = new Thread(() -> runAll(a), "cairn-run-" + a.id());
      t.setDaemon(true);
      t.start();
    }
  }

  // ---------------------------------------------------------------- cancelling

  @Override
  public boolean cancel(String runId) throws PipelineException {
    Active a;
    synchronized (lock) {
      a = queued.get(runId);
      if (a == null) {
        a = running.get(runId);
      }
    }
    if (a != null) {
      cancelActive(a, "cancelled on request");
      return true;
    }
    RunRecord r =
        store
            .get(runId)
            .orElseThrow(
                () -> new PipelineException("no run " + runId, "list the runs to see their ids"));
    if (r.state().finished()) {
      return false;
    }
    store.requestCancel(runId);
    return true;
  }

  private void cancelActive(Active a, String reason) {
    boolean wasQueued;
    synchronized (lock) {
      wasQueued = queued.remove(a.id()) != null;
    }
    if (!wasQueued) {
      a.cancel(reason);
      return;
    }
    a.cancelReason = reason;
    try {
      List<StepRecord> steps =
          a.record.steps().stream().map(s -> s.with(StepState.NOT_RUN, "")).toList();
      save(a, a.record.next(RunState.CANCELLED, null, clock.instant(), steps, reason, null));
    } catch (PipelineException e) {
      // the record stays queued with no lease: the next engine marks it interrupted
    } finally {
      a.lease.close();
      a.done.countDown();
    }
  }

  private void pollCancels() {
    List<Active> all = new ArrayList<>();
    synchronized (lock) {
      all.addAll(queued.values());
      all.addAll(running.values());
    }
    for (Active a : all) {
      try {
        if (a.cancelReason == null && store.cancelRequested(a.id())) {
          cancelActive(a, "cancelled on request");
        }
      } catch (PipelineException | RuntimeException e) {
        // asked again at the next poll
      }
    }
  }

  // ---------------------------------------------------------------- running

  private void runAll(Active a) {
    Path ws = workspaces.resolve(a.id());
    try {
      Files.createDirectories(ws);
      save(
          a,
          a.record.next(
              RunState.RUNNING, clock.instant(), null, a.record.steps(), "", a.record.failure()));
      PipelineDefinition def = a.request.definition();
      Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
      RunState end = RunState.SUCCEEDED;
      String message = "";
      RunRecord.Failure failure = null;
      for (int i = 0; i < def.steps().size(); i++) {
        String reason = a.cancelReason;
        if (reason != null) {
          end = RunState.CANCELLED;
          message = reason;
          break;
        }
        StepRecord done = runStep(a, i, ws, outputs);
        if (done.state() == StepState.SUCCEEDED) {
          outputs.put(done.name(), done.outputs());
          continue;
        }
        if (done.state() == StepState.CANCELLED) {
          end = RunState.CANCELLED;
          message = a.masker.mask(String.valueOf(a.cancelReason));
        } else {
          end = RunState.FAILED;
          failure =
              new RunRecord.Failure(
                  done.name(), done.exitCode(), done.message(), lastLines(a, done));
          message =
              "step '"
                  + done.name()
                  + "' failed"
                  + (done.exitCode() == null ? "" : " with exit code " + done.exitCode())
                  + (done.message().isEmpty() ? "" : ": " + done.message());
        }
        break;
      }
      List<StepRecord> steps = new ArrayList<>();
      for (StepRecord s : a.record.steps()) {
        steps.add(s.state() == StepState.PENDING ? s.with(StepState.NOT_RUN, "") : s);
      }
      save(a, a.record.next(end, a.record.started(), clock.instant(), steps, message, failure));
      retention(a);
    } catch (PipelineException | IOException | RuntimeException e) {
      // the store failed: the record stays as last written, and with the lease gone the next
      // engine to open the store marks the run interrupted
    } finally {
      a.lease.close();
      if (!keepWorkspaces) {
        deleteTree(ws);
      }
      synchronized (lock) {
        running.remove(a.id());
        busyKeys.remove(a.key);
      }
      a.done.countDown();
      dispatch();
    }
  }

  private StepRecord runStep(Active a, int index, Path ws, Map<String, Map<String, String>> outputs)
      throws PipelineException {
    StepSpec spec = a.request.definition().steps().get(index);
    StepExecutor executor = executors.get(spec.kind());
    StepRecord rec = a.record.steps().get(index);
    LogSink sink = new LogSink(store.appendLog(a.id(), rec.log()), a.id(), spec.name());
    OutputStream masked = a.masker.stream(sink);
    StepLogImpl log = new StepLogImpl(masked);
    StepResult result = null;
    StepState state = StepState.FAILED;
    int attempt = 0;
    try {
      Map<String, Secret> stepSecrets = new LinkedHashMap<>();
      String missing = null;
      for (Map.Entry<String, String> e : spec.secrets().entrySet()) {
        Optional<Secret> s = secrets.secret(e.getValue());
        if (s.isEmpty()) {
          missing =
              "secret '"
                  + e.getValue()
                  + "' is not set; give it to Cairn in "
                  + secrets.describe(e.getValue());
          break;
        }
        a.masker.add(s.get());
        stepSecrets.put(e.getKey(), s.get());
      }
      if (missing != null || executor == null) {
        attempt = 1;
        a.record = replaceStep(a, index, rec.started(clock.instant(), 1));
        save(a, a.record);
        String why = missing != null ? missing : "no executor for '" + spec.kind().id() + "' steps";
        log.line("[cairn] " + why);
        result = StepResult.failed(null, why, false);
      } else {
        int attempts = spec.retries() + 1;
        for (attempt = 1; attempt <= attempts; attempt++) {
          StepRecord cur = a.record.steps().get(index);
          save(a, replaceStep(a, index, cur.started(clock.instant(), attempt)));
          if (attempt > 1) {
            log.line("[cairn] attempt " + attempt + " of " + attempts);
          }
          Attempt at = new Attempt(a, spec, attempt, ws, env(a, spec), stepSecrets, outputs, log);
          result = execute(a, at, executor, spec);
          if (result.succeeded()) {
            state = StepState.SUCCEEDED;
            break;
          }
          if (a.cancelReason != null) {
            state = StepState.CANCELLED;
            break;
          }
          if (!result.retryable() || attempt == attempts) {
            break;
          }
          Duration wait = spec.backoffBefore(attempt + 1);
          log.line(
              "[cairn] attempt "
                  + attempt
                  + " failed: "
                  + result.message()
                  + "; trying again in "
                  + wait.toMillis()
                  + " ms");
          if (a.sleepUnlessCancelled(wait)) {
            state = StepState.CANCELLED;
            break;
          }
        }
      }
    } finally {
      try {
        masked.close();
      } catch (IOException e) {
        // the log keeps what reached it
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    String message;
    if (state == StepState.CANCELLED) {
      message = "cancelled: " + a.cancelReason;
    } else if (result == null) {
      message = "";
    } else {
      message = result.message();
      if (state == StepState.SUCCEEDED) {
        result.outputs().forEach((k, v) -> out.put(k, a.masker.mask(v)));
      }
    }
    StepRecord cur = a.record.steps().get(index);
    StepRecord finished =
        cur.finished(
            state,
            clock.instant(),
            result == null ? null : result.exitCode(),
            a.masker.mask(message),
            out);
    save(a, replaceStep(a, index, finished));
    return finished;
  }

  private StepResult execute(Active a, Attempt at, StepExecutor executor, StepSpec spec) {
    synchronized (a) {
      a.attempt = at;
    }
    String early = a.cancelReason;
    if (early != null) {
      at.cancel(early);
    }
    Thread t =
        new Thread(
            () -> {
              try {
                at.complete(executor.execute(at));
              } catch (PipelineException e) {
                at.complete(StepResult.failed(null, String.valueOf(e.getMessage()), false));
              } catch (InterruptedException e) {
                at.complete(null);
              } catch (RuntimeException | Error e) {
                at.complete(
                    StepResult.failed(
                        null,
                        "the "
                            + spec.kind().id()
                            + " executor failed: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        false));
              }
            },
            "cairn-step-" + a.id() + "-" + spec.name());
    t.setDaemon(true);
    at.thread = t;
    t.start();
    boolean done = at.awaitUntil(System.nanoTime() + spec.timeout().toNanos());
    boolean timedOut = false;
    if (!done) {
      if (!at.cancelled()) {
        timedOut = true;
        at.cancel("over the step's timeout of " + human(spec.timeout()));
      }
      done = at.awaitUntil(System.nanoTime() + cancelGrace.toNanos());
    }
    synchronized (a) {
      a.attempt = null;
    }
    if (timedOut) {
      at.log.line("[cairn] timed out after " + human(spec.timeout()));
      return StepResult.failed(null, "timed out after " + human(spec.timeout()), true);
    }
    if (!done) {
      at.log.line(
          "[cairn] the step did not stop within " + human(cancelGrace) + " of being cancelled");
      return StepResult.failed(null, "did not stop when cancelled", false);
    }
    StepResult r = at.result;
    if (r == null) {
      return StepResult.failed(null, "interrupted", false);
    }
    return r;
  }

  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private Map<String, String> env(Active a, StepSpec spec) {
    return stepEnv(a.request, a.id(), spec);
  }

  /** A step's environment ({@link StepContext#env()}): the same for a run and a single step. */
  static Map<String, String> stepEnv(RunRequest request, String runId, StepSpec spec) {
    Map<String, String> env = new LinkedHashMap<>(request.definition().env());
    env.putAll(spec.env());
    env.put("CI", "true");
    env.put("CAIRN_RUN_ID", runId);
    env.put("CAIRN_REPOSITORY", request.repository());
    env.put("CAIRN_COMMIT", request.commit());
    env.put("CAIRN_REF", request.ref());
    env.put("CAIRN_STEP", spec.name());
    return env;
  }

  private RunRecord replaceStep(Active a, int index, StepRecord s) {
    List<StepRecord> steps = new ArrayList<>(a.record.steps());
    steps.set(index, s);
    RunRecord r = a.record;
    return r.next(r.state(), r.started(), r.finished(), steps, r.message(), r.failure());
  }

  private void save(Active a, RunRecord r) throws PipelineException {
    store.update(r);
    a.record = r;
    tell(r);
  }

  private void tell(RunRecord r) {
    try {
      listener.changed(r);
    } catch (RuntimeException e) {
      // a listener's failure is not the run's
    }
  }

  private List<String> lastLines(Active a, StepRecord s) {
    try {
      long size = 0;
      // the log is small to find the end of: read the tail in steps of 64 KiB
      byte[] chunk;
      long off = 0;
      byte[] tail = new byte[0];
      while (true) {
        chunk = store.readLog(a.id(), s.log(), off, 65536);
        if (chunk.length == 0) {
          break;
        }
        off += chunk.length;
        size = off;
        byte[] joined = new byte[Math.min(tail.length, 8192) + chunk.length];
        int keep = Math.min(tail.length, 8192);
        System.arraycopy(tail, tail.length - keep, joined, 0, keep);
        System.arraycopy(chunk, 0, joined, keep, chunk.length);
        tail = joined;
      }
      if (size == 0) {
        return List.of();
      }
      List<String> all = new String(tail, StandardCharsets.UTF_8).lines().toList();
      if (tail.length > 8192 && all.size() > 1) {
        all = all.subList(1, all.size());
      }
      return all.subList(Math.max(0, all.size() - LAST_LINES), all.size());
    } catch (PipelineException e) {
      return List.of();
    }
  }

  private void retention(Active a) {
    PipelineDefinition.Retention keep = a.request.definition().retention();
    try {
      int ok = 0;
      int failed = 0;
      for (RunRecord r : store.list()) {
        if (!r.repository().equals(a.request.repository()) || !r.state().finished()) {
          continue;
        }
        boolean success = r.state() == RunState.SUCCEEDED;
        int n = success ? ++ok : ++failed;
        if (n > (success ? keep.keepSuccessful() : keep.keepFailed())) {
          store.delete(r.id());
        }
      }
    } catch (PipelineException | RuntimeException e) {
      // retention runs again after the next run
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException | RuntimeException e) {
      // a workspace left behind costs disk, not correctness
    }
  }

  // ---------------------------------------------------------------- reading

  @Override
  public Optional<RunRecord> run(String runId) throws PipelineException {
    return store.get(runId);
  }

  @Override
  public RunRecord await(String runId, Duration timeout)
      throws PipelineException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    Active a;
    synchronized (lock) {
      a = queued.get(runId);
      if (a == null) {
        a = running.get(runId);
      }
    }
    if (a != null) {
      a.done.await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    while (true) {
      RunRecord r =
          store
              .get(runId)
              .orElseThrow(
                  () -> new PipelineException("no run " + runId, "list the runs to see their ids"));
      if (r.state().finished() || System.nanoTime() - end >= 0) {
        return r;
      }
      TimeUnit.MILLISECONDS.sleep(
          Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
    }
  }

  @Override
  public RunStore store() {
    return store;
  }

  @Override
  public void close() {
    List<Active> all = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      all.addAll(queued.values());
      all.addAll(running.values());
    }
    for (Active a : all) {
      cancelActive(a, "the run engine stopped");
    }
    synchronized (lock) {
      closed = true;
    }
    long end = System.nanoTime() + cancelGrace.plusSeconds(5).toNanos();
    for (Active a : all) {
      try {
        a.done.await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    poller.shutdownNow();
  }

  // ---------------------------------------------------------------- step plumbing

  /** Where masked log bytes go: the store's log file, and lines to the listener. */
  private final class LogSink extends OutputStream {
    private final OutputStream file;
    private final String runId;
    private final String step;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    LogSink(OutputStream file, String runId, String step) {
      this.file = file;
      this.runId = runId;
      this.step = step;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      file.write(b, off, len);
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
        listener.log(runId, step, l);
      } catch (RuntimeException e) {
        // a listener's failure is not the run's
      }
    }

    @Override
    public void flush() throws IOException {
      file.flush();
    }

    @Override
    public void close() throws IOException {
      if (line.size() > 0) {
        emit();
      }
      file.close();
    }
  }

  private static final class StepLogImpl implements StepContext.StepLog {
    private final OutputStream out;
    private final OutputStream shared;

    StepLogImpl(OutputStream masked) {
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
              // the engine closes the log when the step ends
            }
          };
    }

    @Override
    public void line(String text) {
      try {
        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the log is best effort once its disk fails; the record still tells the outcome
      }
    }

    @Override
    public OutputStream output() {
      return shared;
    }
  }

  /** One attempt of a step: the executor's {@link StepContext}. */
  private static final class Attempt implements StepContext {
    private final Active run;
    private final StepSpec spec;
    private final int number;
    private final Path workspace;
    private final Map<String, String> env;
    private final Map<String, Secret> secretsByVar;
    private final Map<String, Map<String, String>> outputs;
    final StepLogImpl log;
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
    private volatile @Nullable String cancelled;
    volatile @Nullable Thread thread;
    volatile @Nullable StepResult result;
    private boolean completed;

    Attempt(
        Active run,
        StepSpec spec,
        int number,
        Path workspace,
        Map<String, String> env,
        Map<String, Secret> secretsByVar,
        Map<String, Map<String, String>> outputs,
        StepLogImpl log) {
      this.run = run;
      this.spec = spec;
      this.number = number;
      this.workspace = workspace;
      this.env = Map.copyOf(env);
      this.secretsByVar = Map.copyOf(secretsByVar);
      this.outputs = Map.copyOf(outputs);
      this.log = log;
    }

    synchronized void complete(@Nullable StepResult r) {
      result = r;
      completed = true;
      notifyAll();
    }

    /** Waits until the executor returned, or {@code deadline} (System.nanoTime) passed. */
    synchronized boolean awaitUntil(long deadline) {
      while (!completed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return completed;
        }
      }
      return true;
    }

    void cancel(String reason) {
      synchronized (this) {
        if (cancelled != null) {
          return;
        }
        cancelled = reason;
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
      return run.id();
    }

    @Override
    public RunRequest request() {
      return run.request;
    }

    @Override
    public StepSpec step() {
      return spec;
    }

    @Override
    public int attempt() {
      return number;
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
      return secretsByVar;
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
      run.masker.add(secret);
    }

    @Override
    public boolean cancelled() {
      return cancelled != null;
    }

    @Override
    public void onCancel(Runnable action) {
      onCancel.add(action);
      if (cancelled != null) {
        action.run();
      }
    }

    @Override
    public String toString() {
      return "step " + spec.name() + " of run " + run.id() + " (attempt " + number + ")";
    }
  }
}
