package dev.cairn.server.http.internal;

import dev.cairn.pipeline.webhook.RateLimit;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** A token bucket per client address, at most {@code maxClients} remembered (the idlest go). */
final class Buckets {
  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  private final RateLimit limit;
  private final Clock clock;
  private final int maxClients;
  private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

  Buckets(RateLimit limit, Clock clock, int maxClients) {
    this.limit = limit;
    this.clock = clock;
    this.maxClients = maxClients;
  }

  /** 0 when {@code client} may go on, else the seconds until it may try again. */
  synchronized long take(String client) {
    long now = clock.millis();
    Bucket b = buckets.get(client);
    if (b == null) {
      if (buckets.size() >= maxClients) {
        var it = buckets.entrySet().iterator();
        it.next();
        it.remove();
      }
      b = new Bucket(limit.burst(), now);
      buckets.put(client, b);
    }
    b.tokens = Math.min(limit.burst(), b.tokens + (now - b.at) / 1000.0 * limit.perSecond());
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - b.tokens) / limit.perSecond()));
  }
}
