package dev.cairn.pipeline;

import dev.cairn.core.Secret;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What an executor gets for one attempt of a step. */
public interface StepContext {
  /** The run's id. */
  String runId();

  /** The run: repository, commit, ref, trigger and pipeline. */
  RunRequest request();

  /** The step. */
  StepSpec step();

  /** Which attempt this is, from 1. */
  int attempt();

  /** The run's workspace: the checkout goes here, and every later step works in it. */
  Path workspace();

  /**
   * The step's environment: the pipeline's and the step's {@code env}, then {@code CAIRN_RUN_ID},
   * {@code CAIRN_REPOSITORY}, {@code CAIRN_COMMIT}, {@code CAIRN_REF}, {@code CAIRN_STEP} and
   * {@code CI=true}. No secret is in it.
   */
  Map<String, String> env();

  /** The step's secrets by the variable name the pipeline gives them. */
  Map<String, Secret> secrets();

  /** Earlier steps' outputs, by step name. */
  Map<String, Map<String, String>> outputs();

  /** An output of the latest earlier step of {@code kind}, e.g. the build's {@code image}. */
  default Optional<String> output(StepKind kind, String key) {
    Optional<String> found = Optional.empty();
    for (StepSpec s : request().definition().steps()) {
      if (s.name().equals(step().name())) {
        break;
      }
      Map<String, String> o = outputs().get(s.name());
      if (s.kind() == kind && o != null && o.containsKey(key)) {
        found = Optional.of(o.get(key));
      }
    }
    return found;
  }

  /** The step's log: secrets the engine knows are masked in everything written here. */
  StepLog log();

  /** Adds a value to what is masked in this run's logs and records (a derived credential). */
  void mask(Secret secret);

  /** Whether the step is being cancelled (on request, superseded, or over its timeout). */
  boolean cancelled();

  /**
   * Runs {@code action} when the step is cancelled (at once if it already is), e.g. to kill a
   * process tree. Runs on the cancelling thread: it must be quick.
   */
  void onCancel(Runnable action);

  /** A step's log. */
  interface StepLog {
    /** Appends one line. */
    void line(String text);

    /** The log as a stream of bytes (a process's output); masked as it is written. */
    OutputStream output();
  }
}
