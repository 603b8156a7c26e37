package dev.cairn.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a recorded run.
 *
 * @param name the step's name
 * @param kind its kind
 * @param state where it is
 * @param attempts attempts started (0 before it starts; more than 1 after retries)
 * @param started when its first attempt started
 * @param finished when it finished
 * @param exitCode the exit code of its process, for steps that run one
 * @param message what happened, for people (secrets masked)
 * @param outputs what it made, for later steps and for people (e.g. {@code image}: a digest)
 * @param log the file name of its log in the run's record
 */
public record StepRecord(
    String name,
    StepKind kind,
    StepState state,
    int attempts,
    @Nullable Instant started,
    @Nullable Instant finished,
    @Nullable Integer exitCode,
    String message,
    Map<String, String> outputs,
    String log) {
  public StepRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
    outputs = Map.copyOf(outputs);
    Objects.requireNonNull(log, "log");
  }

  /** A step not started yet. */
  public static StepRecord pending(int index, StepSpec spec) {
    return new StepRecord(
        spec.name(),
        spec.kind(),
        StepState.PENDING,
        0,
        null,
        null,
        null,
        "",
        Map.of(),
        String.format(java.util.Locale.ROOT, "%02d-%s.log", index + 1, spec.name()));
  }

  public StepRecord with(StepState s, String msg) {
    return new StepRecord(name, kind, s, attempts, started, finished, exitCode, msg, outputs, log);
  }

  public StepRecord started(Instant at, int attempt) {
    return new StepRecord(
        name,
        kind,
        StepState.RUNNING,
        attempt,
        started == null ? at : started,
        null,
        null,
        "",
        outputs,
        log);
  }

  public StepRecord finished(
      StepState s, Instant at, @Nullable Integer exit, String msg, Map<String, String> out) {
    return new StepRecord(name, kind, s, attempts, started, at, exit, msg, out, log);
  }
}
