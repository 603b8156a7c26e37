package dev.cairn.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The verdict of one check on one object, for every verdict but a plain pass.
 *
 * @param object the object
 * @param state failed, error or waived
 * @param message why: the failing validation's message, the evaluation error, or the check title
 * @param waiver the waiver that applied, when {@code state} is {@link State#WAIVED}
 */
public record Finding(ObjectRef object, State state, String message, @Nullable Waiver waiver) {
  /** Per-object verdicts. Passes are only counted, never listed. */
  public enum State {
    FAILED,
    ERROR,
    WAIVED
  }
}
