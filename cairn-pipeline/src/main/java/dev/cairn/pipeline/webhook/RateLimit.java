package dev.cairn.pipeline.webhook;

/**
 * A token bucket per sender address: {@code burst} requests at once, then {@code perSecond}.
 *
 * @param burst how many requests may come at once
 * @param perSecond how fast the bucket refills
 */
public record RateLimit(int burst, double perSecond) {
  /** 60 at once, then 10 a second: far above what one forge sends for one team. */
  public static final RateLimit DEFAULT = new RateLimit(60, 10);

  public RateLimit {
    if (burst < 1) {
      throw new IllegalArgumentException("a rate limit's burst must be at least 1: " + burst);
    }
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("a rate limit needs a positive rate: " + perSecond);
    }
  }
}
