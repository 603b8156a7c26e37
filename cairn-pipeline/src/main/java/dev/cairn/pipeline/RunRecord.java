package dev.cairn.pipeline;

import dev.cairn.core.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A run as its record keeps it: durable in the {@link RunStore}, replaced whole on every change.
 * Holds no secret: steps name their secrets only in the pipeline, and every message and log line
 * has secret values masked before it gets here.
 *
 * @param id the run's id, given by the store ({@code ""} before it is created)
 * @param pipeline the pipeline's name
 * @param definitionSource the pipeline file, or {@link PipelineDefinition#DEFAULTS}
 * @param definitionDigest SHA-256 of the pipeline file
 * @param repository where the source is
 * @param commit the commit
 * @param ref the ref
 * @param trigger what started it
 * @param concurrencyKey its lane
 * @param rerun whether it was asked for as a second run of a commit
 * @param state where it is
 * @param created when it was submitted
 * @param started when its first step started
 * @param finished when it finished
 * @param steps every step of the pipeline, in order
 * @param message why it ended as it did, for people
 * @param failure for a failed run: the step, its exit code and its last log lines
 * @param revision how many times the record was written; a reader can tell a newer record
 */
public record RunRecord(
    String id,
    String pipeline,
    String definitionSource,
    Digest definitionDigest,
    String repository,
    String commit,
    String ref,
    Trigger trigger,
    String concurrencyKey,
    boolean rerun,
    RunState state,
    Instant created,
    @Nullable Instant started,
    @Nullable Instant finished,
    List<StepRecord> steps,
    String message,
    @Nullable Failure failure,
    long revision) {

  public RunRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(definitionSource, "definitionSource");
    Objects.requireNonNull(definitionDigest, "definitionDigest");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(concurrencyKey, "concurrencyKey");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(created, "created");
    steps = List.copyOf(steps);
    Objects.requireNonNull(message, "message");
  }

  /**
   * Why a run failed.
   *
   * @param step the step that failed
   * @param exitCode its exit code, when it ran a process
   * @param message what went wrong (secrets masked)
   * @param lastLines the last lines of its log (secrets masked)
   */
  public record Failure(
      String step, @Nullable Integer exitCode, String message, List<String> lastLines) {
    public Failure {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(message, "message");
      lastLines = List.copyOf(lastLines);
    }
  }

  /** A new, queued run of {@code r} (its id given when the store creates it). */
  public static RunRecord queued(RunRequest r, Instant now) {
    PipelineDefinition d = r.definition();
    List<StepRecord> steps = new ArrayList<>();
    for (int i = 0; i < d.steps().size(); i++) {
      steps.add(StepRecord.pending(i, d.steps().get(i)));
    }
    return new RunRecord(
        "",
        d.name(),
        d.source(),
        d.digest(),
        r.repository(),
        r.commit(),
        r.ref(),
        r.trigger(),
        d.concurrency().expand(d.name(), r.repository(), r.ref()),
        r.rerun(),
        RunState.QUEUED,
        now,
        null,
        null,
        steps,
        "",
        null,
        0);
  }

  /**
   * Whether {@code this} new run is the same as {@code existing}: the same delivery id, or (unless
   * a rerun was asked for) the same pipeline over the same repository, commit and lane that has not
   * failed, been cancelled or been interrupted.
   */
  public boolean duplicates(RunRecord existing) {
    if (!trigger.deliveryId().isEmpty()
        && trigger.deliveryId().equals(existing.trigger.deliveryId())
        && trigger.source().equals(existing.trigger.source())) {
      return true;
    }
    return !rerun
        && !commit.isEmpty()
        && commit.equals(existing.commit)
        && repository.equals(existing.repository)
        && concurrencyKey.equals(existing.concurrencyKey)
        && pipeline.equals(existing.pipeline)
        && (existing.state == RunState.QUEUED
            || existing.state == RunState.RUNNING
            || existing.state == RunState.SUCCEEDED);
  }

  public RunRecord withId(String newId) {
    return new RunRecord(
        newId,
        pipeline,
        definitionSource,
        definitionDigest,
        repository,
        commit,
        ref,
        trigger,
        concurrencyKey,
        rerun,
        state,
        created,
        started,
        finished,
        steps,
        message,
        failure,
        revision);
  }

  /** This record as the next revision, with {@code state}, steps, message and failure changed. */
  public RunRecord next(
      RunState s,
      @Nullable Instant startedAt,
      @Nullable Instant finishedAt,
      List<StepRecord> newSteps,
      String msg,
      @Nullable Failure f) {
    return new RunRecord(
        id,
        pipeline,
        definitionSource,
        definitionDigest,
        repository,
        commit,
        ref,
        trigger,
        concurrencyKey,
        rerun,
        s,
        created,
        startedAt,
        finishedAt,
        newSteps,
        msg,
        f,
        revision + 1);
  }

  /**
   * This run as its recovery records it when the engine that ran it is gone: {@code interrupted},
   * finished steps kept as they were, the running one interrupted, the rest not run.
   */
  public RunRecord interrupted(Instant now) {
    List<StepRecord> out = new ArrayList<>();
    for (StepRecord s : steps) {
      if (s.state() == StepState.RUNNING) {
        out.add(
            s.finished(
                StepState.INTERRUPTED,
                now,
                null,
                "the engine running this step stopped before it finished",
                s.outputs()));
      } else if (s.state() == StepState.PENDING) {
        out.add(s.with(StepState.NOT_RUN, ""));
      } else {
        out.add(s);
      }
    }
    return next(
        RunState.INTERRUPTED,
        started,
        now,
        out,
        state == RunState.QUEUED
            ? "interrupted: the engine it was queued in stopped before it started"
            : "interrupted: the engine running it stopped (a crash or a kill) before it finished",
        null);
  }

  /** The step named {@code name}. */
  public Optional<StepRecord> step(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return "run " + id + " (" + pipeline + " " + repository + "@" + commit + ", " + state + ")";
  }
}
