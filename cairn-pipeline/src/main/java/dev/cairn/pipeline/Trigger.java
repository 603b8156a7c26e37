package dev.cairn.pipeline;

import java.util.Objects;

/**
 * What started a run, recorded with it.
 *
 * @param source who sent it: {@code github}, {@code gitlab}, {@code gitea}, {@code manual}, …
 * @param deliveryId the sender's id of this delivery (GitHub's {@code X-GitHub-Delivery}); a
 *     delivery seen twice starts one run. Empty for a manual run.
 * @param pusher who pushed, as the sender names them
 * @param commit the commit the event names
 * @param ref the ref the event names, e.g. {@code refs/heads/main}
 */
public record Trigger(String source, String deliveryId, String pusher, String commit, String ref) {
  public Trigger {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(pusher, "pusher");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(ref, "ref");
  }

  /** A run started by hand, by {@code user}. */
  public static Trigger manual(String user, String commit, String ref) {
    return new Trigger("manual", "", user, commit, ref);
  }
}
