package dev.cairn.pipeline.webhook;

import dev.cairn.core.Fix;
import dev.cairn.core.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a webhook handler checks requests: a secret per forge (at least one; a forge without one is
 * refused), where deliveries and the audit are kept, the filter, the body cap, the rate limit and
 * the replay window. {@link #toString()} names the forges, never their secrets.
 */
public final class WebhookConfig {
  /** 1 MiB: GitHub caps its payloads at 25 MB, but a push of a few commits is a few KB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

  private final Map<SourceKind, Secret> secrets;
  private final DeliveryStore deliveries;
  private final AuditSink audit;
  private final WebhookFilter filter;
  private final long maxBodyBytes;
  private final RateLimit rateLimit;
  private final Duration replayWindow;
  private final Clock clock;

  private WebhookConfig(Builder b) {
    this.secrets = java.util.Collections.unmodifiableMap(new EnumMap<>(b.secrets));
    this.deliveries = b.deliveries;
    this.audit = b.audit;
    this.filter = b.filter;
    this.maxBodyBytes = b.maxBodyBytes;
    this.rateLimit = b.rateLimit;
    this.replayWindow = b.replayWindow;
    this.clock = b.clock;
  }

  /**
   * A builder with the two stores every handler needs: without them there is no replay protection
   * and no audit, so there is no default.
   */
  public static Builder builder(DeliveryStore deliveries, AuditSink audit) {
    return new Builder(deliveries, audit);
  }

  /** The secret for {@code kind}, or empty when that forge is not accepted. */
  public Optional<Secret> secret(SourceKind kind) {
    return Optional.ofNullable(secrets.get(kind));
  }

  /** The forges with a secret. */
  public java.util.Set<SourceKind> sources() {
    return secrets.keySet();
  }

  public DeliveryStore deliveries() {
    return deliveries;
  }

  public AuditSink audit() {
    return audit;
  }

  public WebhookFilter filter() {
    return filter;
  }

  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  public RateLimit rateLimit() {
    return rateLimit;
  }

  /**
   * How old a delivery may be by a time the forge signed (GitHub's {@code pushed_at}); older is
   * refused as stale. Keep the delivery store's retention at least this long.
   */
  public Duration replayWindow() {
    return replayWindow;
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "WebhookConfig[sources="
        + secrets.keySet()
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", rateLimit="
        + rateLimit
        + ", replayWindow="
        + replayWindow
        + ", filter="
        + filter
        + "]";
  }

  /** Options for {@link WebhookConfig}; {@link #build()} refuses a configuration with no secret. */
  public static final class Builder {
    private final Map<SourceKind, Secret> secrets = new EnumMap<>(SourceKind.class);
    private final DeliveryStore deliveries;
    private final AuditSink audit;
    private WebhookFilter filter = WebhookFilter.ANY;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private RateLimit rateLimit = RateLimit.DEFAULT;
    private Duration replayWindow = DeliveryStore.Retention.DEFAULT.maxAge();
    private Clock clock = Clock.systemUTC();

    private Builder(DeliveryStore deliveries, AuditSink audit) {
      this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
      this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** Accepts {@code kind}'s webhooks signed (or, for GitLab, carrying) {@code secret}. */
    public Builder secret(SourceKind kind, Secret secret) {
      secrets.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /** The same secret for every forge. */
    public Builder secretForAll(Secret secret) {
      for (SourceKind k : SourceKind.values()) {
        secret(k, secret);
      }
      return this;
    }

    public Builder filter(WebhookFilter filter) {
      this.filter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /** The body-size cap (default 1 MiB). */
    public Builder maxBodyBytes(long maxBodyBytes) {
      if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("a body cap between 1 byte and 2 GiB: " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public Builder rateLimit(RateLimit rateLimit) {
      this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
      return this;
    }

    public Builder replayWindow(Duration replayWindow) {
      if (replayWindow.isNegative() || replayWindow.isZero()) {
        throw new IllegalArgumentException("a replay window must be positive: " + replayWindow);
      }
      this.replayWindow = replayWindow;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The configuration.
     *
     * @throws WebhookException when no forge has a secret, or a secret is empty: a listener that
     *     checks nothing is not started (unlike Tekton Triggers' interceptors, tektoncd/triggers
     *     #2030)
     */
    public WebhookConfig build() throws WebhookException {
      if (secrets.isEmpty()) {
        throw new WebhookException(
            "a webhook listener needs a secret: without one it would accept anybody's push",
            "set the webhook secret that the forge signs with",
            Fix.of("webhook.secret.missing"));
      }
      for (Map.Entry<SourceKind, Secret> e : secrets.entrySet()) {
        if (e.getValue().length() == 0) {
          throw new WebhookException(
              "the webhook secret for " + e.getKey().id() + " is empty",
              "set a secret of at least 32 random bytes",
              Fix.of("webhook.secret.empty", "source", e.getKey().id()));
        }
      }
      return new WebhookConfig(this);
    }
  }
}
