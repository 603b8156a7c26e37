package dev.cairn.pipeline;

import java.util.Objects;

/**
 * A run to start: a pipeline over a repository at a commit.
 *
 * @param repository where the source is: a URL ({@code https://…}, {@code file://…}) or a local
 *     directory; it names the run's concurrency lane and retention
 * @param commit the exact commit (full hex), or {@code ""} for a local directory's working tree
 * @param ref the ref it was pushed to, e.g. {@code refs/heads/main}
 * @param trigger what started it
 * @param definition the pipeline, as read from the repository at that commit (or the defaults)
 * @param rerun start a new run even if one for this commit already exists (not for a delivery id
 *     seen before: that is always the same run)
 */
public record RunRequest(
    String repository,
    String commit,
    String ref,
    Trigger trigger,
    PipelineDefinition definition,
    boolean rerun) {
  public RunRequest {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(definition, "definition");
    if (repository.isBlank()) {
      throw new IllegalArgumentException("repository must not be blank");
    }
    if (!commit.isEmpty() && !commit.matches("[0-9a-f]{7,64}")) {
      throw new IllegalArgumentException("commit must be hex: " + commit);
    }
  }

  public static RunRequest of(
      String repository, String commit, String ref, Trigger trigger, PipelineDefinition def) {
    return new RunRequest(repository, commit, ref, trigger, def, false);
  }

  public RunRequest withRerun(boolean rerun) {
    return new RunRequest(repository, commit, ref, trigger, definition, rerun);
  }

  /** The branch or tag name of {@code ref} ({@code main} for {@code refs/heads/main}). */
  public static String shortRef(String ref) {
    if (ref.startsWith("refs/heads/")) {
      return ref.substring("refs/heads/".length());
    }
    if (ref.startsWith("refs/tags/")) {
      return ref.substring("refs/tags/".length());
    }
    return ref;
  }
}
