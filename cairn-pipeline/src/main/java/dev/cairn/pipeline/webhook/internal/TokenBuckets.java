package dev.cairn.pipeline.webhook.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One token bucket per source address: {@code burst} requests at once, refilled at {@code
 * perSecond}. At most {@code maxSources} buckets are kept; full ones (sources that have been quiet)
 * go first when there are more.
 */
public final class TokenBuckets {
  /**
   * What one request took.
   *
   * @param allowed whether it may go on
   * @param firstRefusal whether it is the first refused one since this source was last allowed (the
   *     audit records only that one of a run of refusals)
   * @param retryAfter when the next token arrives
   */
  public record Take(boolean allowed, boolean firstRefusal, Duration retryAfter) {}

  private static final class Bucket {
    double tokens;
    Instant at;
    boolean refusing;

    Bucket(double tokens, Instant at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  private final int burst;
  private final double perSecond;
  private final Clock clock;
  private final int maxSources;
  private final Map<String, Bucket> buckets = new HashMap<>();

  public TokenBuckets(int burst, double perSecond, Clock clock, int maxSources) {
    if (burst < 1 || !(perSecond > 0) || maxSources < 1) {
      throw new IllegalArgumentException("a rate limit needs burst >= 1 and a positive rate");
    }
    this.burst = burst;
    this.perSecond = perSecond;
    this.clock = clock;
    this.maxSources = maxSources;
  }

  public synchronized Take take(String source) {
    Instant now = clock.instant();
    Bucket b = buckets.get(source);
    if (b == null) {
      if (buckets.size() >= maxSources) {
        evict(now);
      }
      b = new Bucket(burst, now);
      buckets.put(source, b);
    }
    refill(b, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.refusing = false;
      return new Take(true, false, Duration.ZERO);
    }
    boolean first = !b.refusing;
    b.refusing = true;
    long waitNanos = (long) Math.ceil((1 - b.tokens) / perSecond * 1e9);
    return new Take(false, first, Duration.ofNanos(waitNanos));
  }

  private void refill(Bucket b, Instant now) {
    double secs = Math.max(0, Duration.between(b.at, now).toNanos() / 1e9);
    b.tokens = Math.min(burst, b.tokens + secs * perSecond);
    b.at = now;
  }

  private void evict(Instant now) {
    Iterator<Bucket> it = buckets.values().iterator();
    while (it.hasNext()) {
      Bucket b = it.next();
      refill(b, now);
      if (b.tokens >= burst) {
        it.remove();
      }
    }
    it = buckets.values().iterator();
    while (buckets.size() >= maxSources && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
