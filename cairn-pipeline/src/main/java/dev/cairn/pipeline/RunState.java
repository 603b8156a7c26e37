package dev.cairn.pipeline;

/** Where a run is. */
public enum RunState {
  /** Waiting for a free slot or for an earlier run of its concurrency key. */
  QUEUED("queued", false),
  RUNNING("running", false),
  SUCCEEDED("succeeded", true),
  /** A step failed; the record names it, its exit code and its last log lines. */
  FAILED("failed", true),
  /** Cancelled on request, or superseded by a newer run of its key. */
  CANCELLED("cancelled", true),
  /** The engine that ran it stopped (a crash, kill -9, power loss) before it finished. */
  INTERRUPTED("interrupted", true);

  private final String id;
  private final boolean finished;

  RunState(String id, boolean finished) {
    this.id = id;
    this.finished = finished;
  }

  public String id() {
    return id;
  }

  public boolean finished() {
    return finished;
  }

  public static RunState of(String id) {
    for (RunState s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown run state: " + id);
  }

  @Override
  public String toString() {
    return id;
  }
}
