package dev.cairn.pipeline;

/**
 * What an engine tells as runs go (for progress on a terminal, or the server's live view). Called
 * on the engine's threads: return quickly. Every text is masked already.
 */
public interface RunListener {
  /** A run's record changed (queued, a step started or finished, the run finished). */
  default void changed(RunRecord run) {}

  /** A step wrote a line to its log. */
  default void log(String runId, String step, String line) {}

  RunListener NONE = new RunListener() {};
}
