package dev.cairn.pipeline;

import dev.cairn.core.Secret;
import dev.cairn.pipeline.internal.DefaultRunEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs pipelines: a queue with a limit on runs at once, one run at a time per concurrency key
 * (queued behind, or cancelling, the earlier ones), a delivery or commit seen before gives the run
 * it started, steps with timeouts and retries, cancellation that kills a step's processes, and
 * retention of finished runs. Every change is written to the {@link RunStore} before it is told.
 * Build one with {@link Pipelines#engine}.
 */
public interface RunEngine extends AutoCloseable {

  /**
   * A submitted run.
   *
   * @param run its record when submitted
   * @param duplicate whether it is an earlier run that this submission duplicated (the same
   *     delivery id, or a commit already run)
   */
  record Submission(RunRecord run, boolean duplicate) {}

  /**
   * Submits a run, or finds the run it duplicates.
   *
   * @throws PipelineException when a step has no executor here (at the step's line), or the store
   *     fails
   */
  Submission submit(RunRequest request) throws PipelineException;

  /**
   * Cancels a run: a queued one does not start, a running one has its step cancelled (its process
   * tree killed). A run in another engine is asked to cancel through the store.
   *
   * @return false when the run had finished already
   */
  boolean cancel(String runId) throws PipelineException;

  /** A run's record. */
  Optional<RunRecord> run(String runId) throws PipelineException;

  /**
   * Waits until a run has finished and returns its record; after {@code timeout}, returns it as it
   * is then.
   */
  RunRecord await(String runId, Duration timeout) throws PipelineException, InterruptedException;

  /** The store that holds the records. */
  RunStore store();

  /** Cancels what still runs here (recorded as cancelled: the engine stopped) and stops. */
  @Override
  void close();

  /** Options of an engine. */
  final class Builder {
    final RunStore store;
    final Map<StepKind, StepExecutor> executors = new EnumMap<>(StepKind.class);
    SecretSource secrets = name -> Optional.empty();
    @Nullable Path workspaces;
    int maxConcurrentRuns = 2;
    Clock clock = Clock.systemUTC();
    RunListener listener = RunListener.NONE;
    final List<Secret> masked = new ArrayList<>();
    Duration cancelGrace = Duration.ofSeconds(10);
    Duration pollInterval = Duration.ofMillis(200);
    boolean keepWorkspaces;

    Builder(RunStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The executor of a kind of step (replacing any earlier one of that kind). */
    public Builder executor(StepExecutor e) {
      executors.put(e.kind(), e);
      return this;
    }

    /** Several executors, as {@link #executor} each. */
    public Builder executors(java.util.Collection<StepExecutor> all) {
      all.forEach(this::executor);
      return this;
    }

    /** Where steps' secrets come from (by default, nowhere: a step naming a secret fails). */
    public Builder secrets(SecretSource s) {
      this.secrets = Objects.requireNonNull(s);
      return this;
    }

    /** Where runs' workspaces are made (one directory per run); required. */
    public Builder workspaces(Path dir) {
      this.workspaces = dir;
      return this;
    }

    /** How many runs may run at once (default 2); the rest wait in the queue. */
    public Builder maxConcurrentRuns(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("at least one run at a time");
      }
      this.maxConcurrentRuns = n;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    public Builder listener(RunListener l) {
      this.listener = Objects.requireNonNull(l);
      return this;
    }

    /**
     * A secret the engine's parts hold (the webhook secret, a registry password, a builder key):
     * masked in every log and record, as the steps' own secrets are.
     */
    public Builder mask(Secret s) {
      masked.add(s);
      return this;
    }

    /** How long a cancelled step may take to stop before it is left behind (default 10 s). */
    public Builder cancelGrace(Duration d) {
      this.cancelGrace = Objects.requireNonNull(d);
      return this;
    }

    /** How often the store is asked for cancel requests from other processes (default 200 ms). */
    public Builder pollInterval(Duration d) {
      this.pollInterval = Objects.requireNonNull(d);
      return this;
    }

    /** Keep each run's workspace when it finishes (by default it is deleted; logs stay). */
    public Builder keepWorkspaces(boolean keep) {
      this.keepWorkspaces = keep;
      return this;
    }

    /**
     * Starts the engine; first, runs left queued or running by an engine that is gone are marked
     * interrupted.
     */
    public RunEngine start() throws PipelineException {
      if (workspaces == null) {
        throw new IllegalStateException("workspaces directory not set");
      }
      return new DefaultRunEngine(
          store,
          Map.copyOf(executors),
          secrets,
          workspaces,
          maxConcurrentRuns,
          clock,
          listener,
          List.copyOf(masked),
          cancelGrace,
          pollInterval,
          keepWorkspaces);
    }
  }
}
