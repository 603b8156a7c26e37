package dev.cairn.scanner;

import org.jspecify.annotations.Nullable;

/**
 * The verdict of one check on one object (or on one of its containers), for every verdict but a
 * plain pass.
 *
 * @param object the object
 * @param state failed, error or waived
 * @param message why: the failing validation's message, the evaluation error, or the check title
 * @param waiver the waiver that applied, when {@code state} is {@link State#WAIVED}
 * @param container the container the failure lies in, when one does ({@code containers}, {@code
 *     initContainers} or {@code ephemeralContainers}); null for the pod or the object
 * @param path the field path in the object, e.g. {@code
 *     spec.template.spec.initContainers[0].resources.limits}; null when not known
 */
public record Finding(
    ObjectRef object,
    State state,
    String message,
    @Nullable Waiver waiver,
    @Nullable String container,
    @Nullable String path) {
  /** Per-object verdicts. Passes are only counted, never listed. */
  public enum State {
    FAILED,
    ERROR,
    WAIVED
  }

  /** A finding about the whole object. */
  public Finding(ObjectRef object, State state, String message, @Nullable Waiver waiver) {
    this(object, state, message, waiver, null, null);
  }

  /** {@code Kind namespace/name}, then {@code container NAME} when there is one. */
  public String where() {
    return object.display() + (container == null ? "" : " container " + container);
  }
}
