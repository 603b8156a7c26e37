package dev.cairn.pipeline.webhook;

import dev.cairn.core.Secret;
import dev.cairn.pipeline.webhook.internal.Payloads;
import dev.cairn.pipeline.webhook.internal.Signatures;
import dev.cairn.pipeline.webhook.internal.TokenBuckets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The order of checks: method, rate limit, size cap (by {@code Content-Length}, then while
 * reading), the forge, its signature over the raw bytes, the delivery id, then parsing, the signed
 * push time (GitHub), the replay check (delivery id and body digest, recorded at once), the event,
 * deletions, the filter. Nothing from the body is looked at before the signature holds.
 */
final class DefaultWebhookHandler implements WebhookHandler {
  private static final int MAX_SOURCES = 10_000;

  private final WebhookConfig config;
  private final Consumer<Trigger> consumer;
  private final Map<SourceKind, Signatures> keys = new EnumMap<>(SourceKind.class);
  private final TokenBuckets buckets;

  DefaultWebhookHandler(WebhookConfig config, Consumer<Trigger> consumer) {
    this.config = Objects.requireNonNull(config, "config");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    for (SourceKind k : config.sources()) {
      Secret s = config.secret(k).orElseThrow();
      keys.put(k, Signatures.of(s));
    }
    this.buckets =
        new TokenBuckets(
            config.rateLimit().burst(),
            config.rateLimit().perSecond(),
            config.clock(),
            MAX_SOURCES);
  }

  @Override
  public long maxBodyBytes() {
    return config.maxBodyBytes();
  }

  /** What the audit record is made from, filled in as the checks go. */
  private static final class Facts {
    final Instant at;
    final String remote;
    @Nullable SourceKind source;
    @Nullable String deliveryId;
    @Nullable Trigger trigger;
    Payloads.@Nullable Push push;
    long bodyBytes = -1;
    @Nullable String bodySha256;

    /** The delivery taken, not yet synced: settled with the audit record, in parallel. */
    DeliveryStore.@Nullable Pending pending;

    DeliveryStore.@Nullable Delivery delivery;

    Facts(Instant at, String remote) {
      this.at = at;
      this.remote = remote;
    }
  }

  @Override
  public Outcome handle(WebhookRequest request, InputStream body) {
    Facts f = new Facts(config.clock().instant(), request.remoteAddress());
    Outcome o;
    if (!request.method().equals("POST")) {
      o = new Outcome.MethodNotAllowed(request.method());
    } else {
      TokenBuckets.Take take = buckets.take(request.remoteAddress());
      if (!take.allowed()) {
        Outcome limited = new Outcome.RateLimited(take.retryAfter());
        if (take.firstRefusal()) {
          audit(f, limited);
        }
        return limited;
      }
      o = checked(request, body, f);
    }
    if (f.pending != null) {
      return settle(o, f);
    }
    audit(f, o);
    return o;
  }

  /**
   * Makes the taken delivery and the audit record of {@code o} durable at once (two files, each
   * waiting for the disk: overlapped, not one after the other), then hands an accepted trigger on.
   * Nothing is answered before both hold: a delivery that is not durable is answered 503 (the forge
   * retries; the store has forgotten it), an accepted one whose audit failed is forgotten and 503.
   */
  private Outcome settle(Outcome o, Facts f) {
    DeliveryStore.Pending pending = Objects.requireNonNull(f.pending);
    f.pending = null;
    AuditRecord rec = record(f, o);
    IOException[] failed = both(pending::sync, () -> config.audit().record(rec));
    if (failed[0] != null) {
      Outcome u = new Outcome.Unavailable("the delivery store could not be written");
      audit(f, u);
      return u;
    }
    if (!(o instanceof Outcome.Accepted a)) {
      return o; // the audit of a refusal or an ignored event is best effort, as before
    }
    if (failed[1] != null) {
      forget(Objects.requireNonNull(f.delivery));
      return new Outcome.Unavailable("the audit could not be written");
    }
    return handOn(a, f);
  }

  /** A write that waits for the disk. */
  @FunctionalInterface
  private interface DurableWrite {
    void run() throws IOException;
  }

  /** Runs {@code a} here and {@code b} on a virtual thread at once; each one's failure, or null. */
  private static IOException[] both(DurableWrite a, DurableWrite b) {
    IOException[] failed = new IOException[2];
    Thread other =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    b.run();
                  } catch (IOException e) {
                    failed[1] = e;
                  }
                });
    try {
      a.run();
    } catch (IOException e) {
      failed[0] = e;
    }
    boolean interrupted = false;
    while (true) {
      try {
        other.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the answer waits for the audit either way
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return failed;
  }

  private Outcome checked(WebhookRequest request, InputStream in, Facts f) {
    long cap = config.maxBodyBytes();
    String length = request.first("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > cap) {
          return new Outcome.TooLarge(cap);
        }
      } catch (NumberFormatException e) {
        return new Outcome.Rejected("Content-Length is not a number");
      }
    }
    byte[] body;
    try {
      body = readCapped(in, cap);
    } catch (IOException e) {
      return new Outcome.Rejected("the body could not be read");
    }
    if (body.length > cap) {
      f.bodyBytes = body.length;
      return new Outcome.TooLarge(cap);
    }
    f.bodyBytes = body.length;
    f.bodySha256 = sha256(body);

    SourceKind kind = request.route() != null ? request.route() : detect(request);
    if (kind == null) {
      return new Outcome.Refused(Outcome.Refused.Reason.UNKNOWN_SOURCE);
    }
    f.source = kind;
    Signatures key = keys.get(kind);
    if (key == null) {
      return new Outcome.Refused(Outcome.Refused.Reason.SOURCE_NOT_CONFIGURED);
    }
    Signatures.Verdict v =
        switch (kind) {
          case GITHUB -> key.github(request.header("X-Hub-Signature-256"), body);
          case GITLAB -> key.gitlab(request.header("X-Gitlab-Token"));
          case GITEA ->
              key.gitea(
                  request.header("X-Gitea-Signature"), request.header("X-Forgejo-Signature"), body);
        };
    if (v != Signatures.Verdict.VALID) {
      return new Outcome.Refused(refusal(v));
    }
    // authentic from here on
    String id = deliveryId(kind, request);
    if (id == null) {
      return new Outcome.Refused(Outcome.Refused.Reason.DELIVERY_ID_MISSING);
    }
    if (!DeliveryStore.Delivery.isId(id)) {
      return new Outcome.Refused(Outcome.Refused.Reason.DELIVERY_ID_MALFORMED);
    }
    f.deliveryId = id;
    String event = eventName(kind, request);
    if (event == null) {
      return new Outcome.Rejected("no event header");
    }
    Payloads.Event e;
    try {
      Map<String, Object> json = Payloads.json(body, request.first("Content-Type"));
      e =
          switch (kind) {
            case GITHUB -> Payloads.github(event, json);
            case GITLAB -> Payloads.gitlab(event, json);
            case GITEA -> Payloads.gitea(event, json);
          };
    } catch (Payloads.MalformedException ex) {
      return new Outcome.Rejected(ex.getMessage() == null ? "malformed payload" : ex.getMessage());
    }
    f.push = e.push();
    if (e.pushedAt() != null && e.pushedAt().isBefore(f.at.minus(config.replayWindow()))) {
      return new Outcome.Refused(Outcome.Refused.Reason.STALE);
    }
    DeliveryStore.Delivery d = new DeliveryStore.Delivery(kind, id, f.bodySha256, f.at);
    try {
      DeliveryStore.Pending p = config.deliveries().recordIfNewLater(d);
      if (p == null) {
        return new Outcome.Refused(Outcome.Refused.Reason.REPLAYED);
      }
      f.pending = p;
      f.delivery = d;
    } catch (IOException ex) {
      return new Outcome.Unavailable("the delivery store could not be written");
    }
    return classify(kind, id, e, f);
  }

  private Outcome classify(SourceKind kind, String id, Payloads.Event e, Facts f) {
    switch (e.kind()) {
      case PING:
        return new Outcome.Ping(kind, id);
      case OTHER:
        return new Outcome.Ignored("event '" + e.name() + "' is not a push of a branch or tag");
      case PUSH:
        break;
    }
    Payloads.Push p = Objects.requireNonNull(e.push());
    if (!p.ref().startsWith("refs/heads/") && !p.ref().startsWith("refs/tags/")) {
      return new Outcome.Ignored("ref " + p.ref() + " is not a branch or a tag");
    }
    if (p.deleted()) {
      return new Outcome.Ignored(p.ref() + " was deleted");
    }
    if (Payloads.isZero(p.commit())) {
      return new Outcome.Ignored("the push names no commit (an all-zero SHA)");
    }
    Trigger t =
        new Trigger(
            kind,
            id,
            p.repository(),
            p.ref(),
            p.commit(),
            p.before(),
            p.pusher(),
            p.paths(),
            p.pathsComplete(),
            f.at);
    f.trigger = t;
    return config
        .filter()
        .rejects(t)
        .<Outcome>map(Outcome.Ignored::new)
        .orElse(new Outcome.Accepted(t));
  }

  /** Hands an accepted, audited delivery on; a failing consumer forgets it and answers 503. */
  private Outcome handOn(Outcome.Accepted a, Facts f) {
    DeliveryStore.Delivery d = Objects.requireNonNull(f.delivery);
    try {
      consumer.accept(a.trigger());
      return a;
    } catch (RuntimeException e) {
      forget(d);
      Outcome u = new Outcome.Unavailable("the trigger consumer failed: " + e.getClass().getName());
      audit(f, u);
      return u;
    }
  }

  private void forget(DeliveryStore.Delivery d) {
    try {
      config.deliveries().forget(d);
    } catch (IOException e) {
      // the delivery stays recorded: a redelivery is refused as a replay, never run twice
    }
  }

  private void audit(Facts f, Outcome o) {
    try {
      config.audit().record(record(f, o));
    } catch (IOException e) {
      // nothing was accepted on this path; the answer stands
    }
  }

  private static AuditRecord record(Facts f, Outcome o) {
    Trigger t = f.trigger;
    Payloads.Push p = f.push;
    return new AuditRecord(
        f.at,
        f.remote,
        o.name(),
        o.status(),
        o.detail(),
        f.source,
        f.deliveryId,
        t != null ? t.repository().fullName() : p != null ? p.repository().fullName() : null,
        t != null ? t.ref() : p != null ? p.ref() : null,
        t != null ? t.commit() : p != null ? p.commit() : null,
        f.bodyBytes,
        f.bodySha256);
  }

  /**
   * The forge by its headers. Gitea and Forgejo also send GitHub's headers, so they are looked for
   * first.
   */
  static @Nullable SourceKind detect(WebhookRequest r) {
    if (r.header("X-Gitea-Event") != null
        || r.header("X-Forgejo-Event") != null
        || r.header("X-Gitea-Signature") != null
        || r.header("X-Forgejo-Signature") != null) {
      return SourceKind.GITEA;
    }
    if (r.header("X-Gitlab-Event") != null || r.header("X-Gitlab-Token") != null) {
      return SourceKind.GITLAB;
    }
    if (r.header("X-GitHub-Event") != null || r.header("X-Hub-Signature-256") != null) {
      return SourceKind.GITHUB;
    }
    return null;
  }

  private static @Nullable String deliveryId(SourceKind kind, WebhookRequest r) {
    return switch (kind) {
      case GITHUB -> r.first("X-GitHub-Delivery");
      case GITLAB -> {
        String uuid = r.first("X-Gitlab-Event-UUID");
        yield uuid != null ? uuid : r.first("Idempotency-Key");
      }
      case GITEA -> {
        String g = r.first("X-Forgejo-Delivery");
        yield g != null ? g : r.first("X-Gitea-Delivery");
      }
    };
  }

  private static @Nullable String eventName(SourceKind kind, WebhookRequest r) {
    return switch (kind) {
      case GITHUB -> r.first("X-GitHub-Event");
      case GITLAB -> r.first("X-Gitlab-Event");
      case GITEA -> {
        String g = r.first("X-Forgejo-Event");
        yield g != null ? g : r.first("X-Gitea-Event");
      }
    };
  }

  private static Outcome.Refused.Reason refusal(Signatures.Verdict v) {
    return switch (v) {
      case MISSING -> Outcome.Refused.Reason.SIGNATURE_MISSING;
      case AMBIGUOUS -> Outcome.Refused.Reason.SIGNATURE_AMBIGUOUS;
      case MALFORMED -> Outcome.Refused.Reason.SIGNATURE_MALFORMED;
      case WRONG_ALGORITHM -> Outcome.Refused.Reason.SIGNATURE_ALGORITHM;
      case WRONG_LENGTH -> Outcome.Refused.Reason.SIGNATURE_LENGTH;
      case MISMATCH, VALID -> Outcome.Refused.Reason.SIGNATURE_MISMATCH;
    };
  }

  /** Up to {@code cap + 1} bytes: one past the cap says the body is too long. */
  private static byte[] readCapped(InputStream in, long cap) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long limit = cap + 1;
    while (out.size() < limit) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, limit - out.size()));
      if (n < 0) {
        break;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookHandler[" + config + "]";
  }
}
