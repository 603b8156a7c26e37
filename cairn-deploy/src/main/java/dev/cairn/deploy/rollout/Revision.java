package dev.cairn.deploy.rollout;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a target's deploy history.
 *
 * @param rev the revision number, 1 and up
 * @param kind {@code deploy} (new manifests) or {@code rollback} (an earlier revision's again)
 * @param commit the commit the manifests' images were built from, if known
 * @param images every image the revision runs, pinned by digest
 * @param time when it was started
 * @param who who started it
 * @param gate the gate's decision, one line ({@code passed: ...}, or {@code none})
 * @param outcome how it ended
 * @param reason why it failed (and what was rolled back), null when it did not
 * @param restored for a rollback, the revision whose manifests it applied; for a failed deploy that
 *     was rolled back, the revision it went back to; else null
 */
public record Revision(
    int rev,
    String kind,
    @Nullable String commit,
    List<String> images,
    Instant time,
    String who,
    String gate,
    Outcome outcome,
    @Nullable String reason,
    @Nullable Integer restored) {
  public Revision {
    if (rev < 1) {
      throw new IllegalArgumentException("a revision is 1 or more: " + rev);
    }
    if (!kind.equals("deploy") && !kind.equals("rollback")) {
      throw new IllegalArgumentException("a revision's kind is deploy or rollback: " + kind);
    }
    images = List.copyOf(images);
  }

  /** How a revision ended. */
  public enum Outcome {
    /** Applied and not yet known to be finished (a crash leaves it so). */
    APPLYING,
    /** Rolled out; its manifests are what the target ran afterwards. */
    DEPLOYED,
    /** Failed to roll out, and the previous revision was put back. */
    ROLLED_BACK,
    /** Failed, and nothing could be put back (no earlier revision, or that failed too). */
    FAILED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Outcome ofWire(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  Revision ended(Outcome o, @Nullable String why, @Nullable Integer restoredRev) {
    return new Revision(rev, kind, commit, images, time, who, gate, o, why, restoredRev);
  }
}
