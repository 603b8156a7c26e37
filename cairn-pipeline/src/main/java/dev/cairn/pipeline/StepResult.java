package dev.cairn.pipeline;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one attempt of a step ended.
 *
 * @param succeeded whether it did what it should
 * @param exitCode the exit code of the process it ran, if any
 * @param message what happened, for people (a failure says why)
 * @param outputs what it made, for later steps: e.g. a build's {@code image} digest
 * @param retryable whether a failure may go away by itself (a network error): only such failures
 *     are tried again
 */
public record StepResult(
    boolean succeeded,
    @Nullable Integer exitCode,
    String message,
    Map<String, String> outputs,
    boolean retryable) {
  public StepResult {
    Objects.requireNonNull(message, "message");
    outputs = Map.copyOf(outputs);
  }

  public static StepResult succeeded(Map<String, String> outputs) {
    return new StepResult(true, null, "", outputs, false);
  }

  public static StepResult succeeded(int exitCode, String message) {
    return new StepResult(true, exitCode, message, Map.of(), false);
  }

  public static StepResult failed(@Nullable Integer exitCode, String message, boolean retryable) {
    return new StepResult(false, exitCode, message, Map.of(), retryable);
  }
}
