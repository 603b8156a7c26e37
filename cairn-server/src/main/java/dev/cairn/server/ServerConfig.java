package dev.cairn.server;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Fix;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.webhook.RateLimit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link CairnServer} runs: where it listens, Cairn's home, the webhook secret (required),
 * TLS, limits and the run engine's size. {@link #toString()} never shows the secret.
 */
public final class ServerConfig {
  /** 1 MiB for a request body (a webhook's cap is the handler's own, also 1 MiB by default). */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

  /** Per client address: 120 requests at once, then 60 a second. */
  public static final RateLimit DEFAULT_RATE_LIMIT = new RateLimit(120, 60);

  private final String host;
  private final int port;
  private final CairnHome home;
  private final Secret webhookSecret;
  private final @Nullable Path tlsCertificate;
  private final @Nullable Path tlsKey;
  private final long maxBodyBytes;
  private final RateLimit rateLimit;
  private final RateLimit webhookRateLimit;
  private final int workers;
  private final Duration resumeWindow;
  private final Duration expiringWithin;
  private final Duration stopGrace;
  private final Map<String, String> hostEnv;
  private final Clock clock;
  private final List<dev.cairn.server.notify.Endpoint> notify;
  private final dev.cairn.server.notify.Notifier.Retry notifyRetry;
  private final Duration certificateSweep;
  private final Duration scheduleTick;
  private final ZoneId scheduleZone;
  private final java.util.Set<dev.cairn.scanner.Framework> certifyFrameworks;

  private ServerConfig(Builder b, Secret secret) {
    this.host = b.host;
    this.port = b.port;
    this.home = b.home;
    this.webhookSecret = secret;
    this.tlsCertificate = b.tlsCertificate;
    this.tlsKey = b.tlsKey;
    this.maxBodyBytes = b.maxBodyBytes;
    this.rateLimit = b.rateLimit;
    this.webhookRateLimit = b.webhookRateLimit;
    this.workers = b.workers;
    this.resumeWindow = b.resumeWindow;
    this.expiringWithin = b.expiringWithin;
    this.stopGrace = b.stopGrace;
    this.hostEnv = Map.copyOf(b.hostEnv);
    this.clock = b.clock;
    this.notify = b.notify;
    this.notifyRetry = b.notifyRetry;
    this.certificateSweep = b.certificateSweep;
    this.scheduleTick = b.scheduleTick;
    this.scheduleZone = b.scheduleZone;
    this.certifyFrameworks = java.util.Set.copyOf(b.certifyFrameworks);
  }

  public static Builder builder(CairnHome home) {
    return new Builder(home);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public CairnHome home() {
    return home;
  }

  public Secret webhookSecret() {
    return webhookSecret;
  }

  /** The PEM certificate chain to serve HTTPS with, or null for plain HTTP. */
  public @Nullable Path tlsCertificate() {
    return tlsCertificate;
  }

  /** The PEM (PKCS#8) private key of {@link #tlsCertificate()}. */
  public @Nullable Path tlsKey() {
    return tlsKey;
  }

  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The API's limit per client address (429 past it). */
  public RateLimit rateLimit() {
    return rateLimit;
  }

  /** The webhook handler's limit per sender address. */
  public RateLimit webhookRateLimit() {
    return webhookRateLimit;
  }

  /** How many runs the engine runs at once. */
  public int workers() {
    return workers;
  }

  /** Runs interrupted at most this long before a start are resumed by it. */
  public Duration resumeWindow() {
    return resumeWindow;
  }

  /** A certificate that expires within this is shown as {@code expiring}. */
  public Duration expiringWithin() {
    return expiringWithin;
  }

  /** How long a stop waits for requests in flight. */
  public Duration stopGrace() {
    return stopGrace;
  }

  /** The environment run steps get their PATH and the like from (and step secrets). */
  public Map<String, String> hostEnv() {
    return hostEnv;
  }

  public List<dev.cairn.server.notify.Endpoint> notifyEndpoints() {
    return notify;
  }

  public dev.cairn.server.notify.Notifier.Retry notifyRetry() {
    return notifyRetry;
  }

  public Duration certificateSweep() {
    return certificateSweep;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * How often the scheduler looks for clusters whose scan is due ({@link Duration#ZERO}: never by
   * itself, only when {@link dev.cairn.server.schedule.Scheduler#tick()} is called).
   */
  public Duration scheduleTick() {
    return scheduleTick;
  }

  /**
   * The frameworks scheduled certifications judge (empty, the default: every framework, as {@code
   * cairn certify} without {@code --framework}).
   */
  public java.util.Set<dev.cairn.scanner.Framework> certifyFrameworks() {
    return certifyFrameworks;
  }

  /** The time zone cron schedules are read in (UTC by default). */
  public ZoneId scheduleZone() {
    return scheduleZone;
  }

  @Override
  public String toString() {
    return "ServerConfig["
        + (tlsCertificate == null ? "http" : "https")
        + "://"
        + host
        + ":"
        + port
        + ", home="
        + home
        + ", webhookSecret=***, workers="
        + workers
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", rateLimit="
        + rateLimit
        + "]";
  }

  /** Options; {@link #build()} refuses a server without a webhook secret. */
  public static final class Builder {
    private final CairnHome home;
    private String host = "127.0.0.1";
    private int port = 8080;
    private @Nullable Secret webhookSecret;
    private @Nullable Path tlsCertificate;
    private @Nullable Path tlsKey;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private RateLimit rateLimit = DEFAULT_RATE_LIMIT;
    private RateLimit webhookRateLimit = RateLimit.DEFAULT;
    private int workers = 2;
    private Duration resumeWindow = Duration.ofHours(24);
    private Duration expiringWithin = Duration.ofDays(30);
    private Duration stopGrace = Duration.ofSeconds(10);
    private Map<String, String> hostEnv = Map.of();
    private Clock clock = Clock.systemUTC();
    private List<dev.cairn.server.notify.Endpoint> notify = List.of();
    private dev.cairn.server.notify.Notifier.Retry notifyRetry =
        dev.cairn.server.notify.Notifier.Retry.defaults();
    private Duration certificateSweep = Duration.ofHours(1);
    private Duration scheduleTick = Duration.ofSeconds(20);
    private ZoneId scheduleZone = ZoneOffset.UTC;
    private java.util.Set<dev.cairn.scanner.Framework> certifyFrameworks = java.util.Set.of();

    private Builder(CairnHome home) {
      this.home = Objects.requireNonNull(home, "home");
    }

    public Builder host(String h) {
      this.host = Objects.requireNonNull(h, "host");
      return this;
    }

    /** The port (0: any free one, read back from {@link CairnServer#port()}). */
    public Builder port(int p) {
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException("not a port: " + p);
      }
      this.port = p;
      return this;
    }

    public Builder webhookSecret(Secret s) {
      this.webhookSecret = Objects.requireNonNull(s, "webhookSecret");
      return this;
    }

    /** Serve HTTPS with this PEM certificate chain and PKCS#8 PEM key. */
    public Builder tls(Path certificate, Path key) {
      this.tlsCertificate = Objects.requireNonNull(certificate, "certificate");
      this.tlsKey = Objects.requireNonNull(key, "key");
      return this;
    }

    public Builder maxBodyBytes(long n) {
      if (n < 1 || n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("a body cap between 1 byte and 2 GiB: " + n);
      }
      this.maxBodyBytes = n;
      return this;
    }

    public Builder rateLimit(RateLimit r) {
      this.rateLimit = Objects.requireNonNull(r);
      return this;
    }

    public Builder webhookRateLimit(RateLimit r) {
      this.webhookRateLimit = Objects.requireNonNull(r);
      return this;
    }

    public Builder workers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("at least one worker: " + n);
      }
      this.workers = n;
      return this;
    }

    public Builder resumeWindow(Duration d) {
      this.resumeWindow = Objects.requireNonNull(d);
      return this;
    }

    public Builder expiringWithin(Duration d) {
      this.expiringWithin = Objects.requireNonNull(d);
      return this;
    }

    public Builder stopGrace(Duration d) {
      this.stopGrace = Objects.requireNonNull(d);
      return this;
    }

    public Builder hostEnv(Map<String, String> env) {
      this.hostEnv = Map.copyOf(env);
      return this;
    }

    /** The endpoints notification webhooks go to (none by default). */
    public Builder notifyEndpoints(List<dev.cairn.server.notify.Endpoint> endpoints) {
      this.notify = List.copyOf(endpoints);
      return this;
    }

    public Builder notifyRetry(dev.cairn.server.notify.Notifier.Retry r) {
      this.notifyRetry = Objects.requireNonNull(r);
      return this;
    }

    /** How often the certificates are looked over for expiring and revoked ones (1 h). */
    public Builder certificateSweep(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("a sweep interval above zero: " + d);
      }
      this.certificateSweep = d;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    /** How often the scheduler looks for due scans; {@link Duration#ZERO}: only by hand. */
    public Builder scheduleTick(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("a negative schedule tick: " + d);
      }
      this.scheduleTick = d;
      return this;
    }

    /** The frameworks scheduled certifications judge (empty: every one). */
    public Builder certifyFrameworks(java.util.Set<dev.cairn.scanner.Framework> f) {
      this.certifyFrameworks = java.util.Set.copyOf(f);
      return this;
    }

    public Builder scheduleZone(ZoneId z) {
      this.scheduleZone = Objects.requireNonNull(z);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws ServerException without a webhook secret, or with an empty one: a server that took
     *     anybody's push is not started
     */
    public ServerConfig build() throws ServerException {
      Secret s = webhookSecret;
      if (s == null || s.length() == 0) {
        throw new ServerException(
            "the server needs a webhook secret: without one it would accept anybody's push",
            "give the secret the forge signs its webhooks with (a file of 32 or more random bytes)",
            Fix.of("server.webhook-secret.missing"),
            null);
      }
      return new ServerConfig(this, s);
    }
  }
}
