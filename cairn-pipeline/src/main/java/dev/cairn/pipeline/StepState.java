package dev.cairn.pipeline;

/** Where a step of a run is. */
public enum StepState {
  PENDING("pending"),
  RUNNING("running"),
  SUCCEEDED("succeeded"),
  FAILED("failed"),
  CANCELLED("cancelled"),
  /** Its engine stopped while it ran. */
  INTERRUPTED("interrupted"),
  /** Not started, because an earlier step failed or the run was cancelled or interrupted. */
  NOT_RUN("not-run");

  private final String id;

  StepState(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public boolean finished() {
    return this != PENDING && this != RUNNING;
  }

  public static StepState of(String id) {
    for (StepState s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown step state: " + id);
  }

  @Override
  public String toString() {
    return id;
  }
}
