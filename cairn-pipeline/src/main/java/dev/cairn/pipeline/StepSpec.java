package dev.cairn.pipeline;

import dev.cairn.core.SourceLocation;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a pipeline.
 *
 * @param name unique in its pipeline
 * @param kind what it does
 * @param params the kind's own parameters as plain values (strings, longs, booleans, lists, maps)
 * @param timeout how long one attempt may take before it is cancelled
 * @param retries how many times a failed attempt is tried again
 * @param backoff the wait before the first retry; it doubles before each next one, up to {@link
 *     #MAX_BACKOFF}
 * @param env variables for this step, over the pipeline's
 * @param secrets environment variable name → name of a secret, whose value Cairn's secret source
 *     supplies when the step runs
 * @param location where the step stands in the pipeline file
 */
public record StepSpec(
    String name,
    StepKind kind,
    Map<String, Object> params,
    Duration timeout,
    int retries,
    Duration backoff,
    Map<String, String> env,
    Map<String, String> secrets,
    SourceLocation location) {

  /** The longest wait between two attempts. */
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  public StepSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    params = Map.copyOf(params);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must not be negative");
    }
    Objects.requireNonNull(backoff, "backoff");
    env = Map.copyOf(env);
    secrets = Map.copyOf(secrets);
    Objects.requireNonNull(location, "location");
  }

  /** The wait before attempt {@code attempt} (2 for the first retry). */
  public Duration backoffBefore(int attempt) {
    Duration d = backoff;
    for (int i = 2; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /** A string parameter, or {@code fallback}. */
  public String param(String key, String fallback) {
    return params.get(key) instanceof String s ? s : fallback;
  }

  /** A list-of-strings parameter, or empty. */
  public java.util.List<String> listParam(String key) {
    if (params.get(key) instanceof java.util.List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    return java.util.List.of();
  }
}
