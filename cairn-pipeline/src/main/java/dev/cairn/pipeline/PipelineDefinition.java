package dev.cairn.pipeline;

import dev.cairn.core.Digest;
import dev.cairn.pipeline.internal.Glob;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline as {@code .cairn/pipeline.yaml} defines it (or the defaults, when a repository has no
 * such file). Read one with {@link Pipelines#parse} or {@link Pipelines#load}.
 *
 * @param name the pipeline's name
 * @param triggers which pushes start it
 * @param concurrency how runs of one key wait for or replace each other
 * @param retention how many finished runs are kept
 * @param env variables for every step (never secrets: those are named under {@code secrets})
 * @param steps the steps, in order
 * @param source the file it was read from, or {@link #DEFAULTS}
 * @param digest SHA-256 of the file's bytes (of the defaults' canonical text for the defaults), for
 *     provenance
 * @param text the file's text, kept so that a run can be re-read exactly as it was submitted
 */
public record PipelineDefinition(
    String name,
    Triggers triggers,
    Concurrency concurrency,
    Retention retention,
    Map<String, String> env,
    List<StepSpec> steps,
    String source,
    Digest digest,
    String text) {

  /** The {@link #source} of the built-in default pipeline. */
  public static final String DEFAULTS = "(defaults)";

  public PipelineDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(triggers, "triggers");
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(retention, "retention");
    env = Map.copyOf(env);
    steps = List.copyOf(steps);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(text, "text");
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a pipeline has at least one step");
    }
  }

  /** Whether this is the built-in default pipeline. */
  public boolean isDefault() {
    return source.equals(DEFAULTS);
  }

  @Override
  public String toString() {
    return "pipeline " + name + " (" + source + ", " + steps.size() + " steps)";
  }

  /**
   * Which pushes start a run: globs over branch names, tag names and changed paths ({@code *}
   * within one path segment, {@code **} across segments, {@code ?} one character).
   *
   * @param branches branches that start a run; the default {@code **} is every branch
   * @param tags tags that start a run; none by default
   * @param paths a push starts a run only if it changes a path matching one of these; empty means
   *     any change
   */
  public record Triggers(List<String> branches, List<String> tags, List<String> paths) {
    public Triggers {
      branches = List.copyOf(branches);
      tags = List.copyOf(tags);
      paths = List.copyOf(paths);
    }

    /** Every branch, no tag, any path. */
    public static Triggers defaults() {
      return new Triggers(List.of("**"), List.of(), List.of());
    }

    /**
     * Whether a push to {@code ref} ({@code refs/heads/NAME} or {@code refs/tags/NAME}) starts a
     * run. Any other ref does not.
     */
    public boolean matchesRef(String ref) {
      if (ref.startsWith("refs/heads/")) {
        return Glob.anyMatches(branches, ref.substring("refs/heads/".length()));
      }
      if (ref.startsWith("refs/tags/")) {
        return Glob.anyMatches(tags, ref.substring("refs/tags/".length()));
      }
      return false;
    }

    /**
     * Whether a push changing {@code changedPaths} starts a run: always when no path filter is set;
     * else when one path matches. A push whose changes are unknown (an empty collection from a
     * source that does not list them) starts a run.
     */
    public boolean matchesPaths(Collection<String> changedPaths) {
      if (paths.isEmpty() || changedPaths.isEmpty()) {
        return true;
      }
      for (String p : changedPaths) {
        if (Glob.anyMatches(paths, p)) {
          return true;
        }
      }
      return false;
    }
  }

  /** What a second run of the same concurrency key does while one is queued or running. */
  public enum ConcurrencyMode {
    /** It waits for the earlier ones, which finish. */
    QUEUE("queue"),
    /** It cancels the earlier ones, queued or running: only the newest commit matters. */
    CANCEL_SUPERSEDED("cancel-superseded");

    private final String id;

    ConcurrencyMode(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    @Override
    public String toString() {
      return id;
    }
  }

  /**
   * The concurrency key and what runs of one key do.
   *
   * @param key a template over {@code ${repository}}, {@code ${branch}} (the branch or tag name),
   *     {@code ${ref}} and {@code ${pipeline}}; runs with the same expanded key never run at once
   * @param mode queue or cancel the earlier runs of a key
   */
  public record Concurrency(String key, ConcurrencyMode mode) {
    /** The default key: one lane per repository and branch. */
    public static final String DEFAULT_KEY = "${repository}@${branch}";

    public Concurrency {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(mode, "mode");
    }

    public static Concurrency defaults() {
      return new Concurrency(DEFAULT_KEY, ConcurrencyMode.QUEUE);
    }

    /** The key of a run of {@code pipeline} for {@code repository} at {@code ref}. */
    public String expand(String pipeline, String repository, String ref) {
      return key.replace("${repository}", repository)
          .replace("${branch}", RunRequest.shortRef(ref))
          .replace("${ref}", ref)
          .replace("${pipeline}", pipeline);
    }
  }

  /**
   * How many finished runs of a repository are kept; older ones are deleted with their logs.
   *
   * @param keepSuccessful succeeded runs kept
   * @param keepFailed failed, cancelled and interrupted runs kept
   */
  public record Retention(int keepSuccessful, int keepFailed) {
    public Retention {
      if (keepSuccessful < 1 || keepFailed < 1) {
        throw new IllegalArgumentException("retention keeps at least one run of each outcome");
      }
    }

    /** 20 succeeded and 50 failed runs. */
    public static Retention defaults() {
      return new Retention(20, 50);
    }
  }

  /** A default step timeout: 30 minutes. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
}
