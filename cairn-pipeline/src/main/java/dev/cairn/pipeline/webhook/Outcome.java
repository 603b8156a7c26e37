package dev.cairn.pipeline.webhook;

import dev.cairn.core.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What became of one webhook request, with the HTTP status and body every edge answers it with
 * ({@link WebhookServer} here, {@code cairn serve} later), so the answer does not depend on the
 * edge. A refusal's body is empty: a forger learns nothing about why.
 */
public sealed interface Outcome {
  /** The HTTP status to answer with. */
  int status();

  /** The response body (JSON, or empty for a refusal). */
  String body();

  /** Extra response headers ({@code Retry-After}, {@code Allow}). */
  default Map<String, String> headers() {
    return Map.of();
  }

  /** The outcome's name in audit records: {@code accepted}, {@code refused}, … */
  String name();

  /** What the audit record says about it (never sent to a refused client). */
  String detail();

  /** A verified push or tag that passed the filter; it was handed to the trigger consumer. */
  record Accepted(Trigger trigger) implements Outcome {
    public Accepted {
      Objects.requireNonNull(trigger, "trigger");
    }

    @Override
    public int status() {
      return 202;
    }

    @Override
    public String body() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("status", "accepted");
      m.put("source", trigger.source().id());
      m.put("delivery", trigger.deliveryId());
      m.put("repository", trigger.repository().fullName());
      m.put("ref", trigger.ref());
      m.put("commit", trigger.commit());
      return Json.canonical(m);
    }

    @Override
    public String name() {
      return "accepted";
    }

    @Override
    public String detail() {
      return "push of " + trigger.ref() + " at " + trigger.commit();
    }
  }

  /** A verified ping (GitHub sends one when a hook is created): nothing to run. */
  record Ping(SourceKind source, String deliveryId) implements Outcome {
    @Override
    public int status() {
      return 200;
    }

    @Override
    public String body() {
      return Json.canonical(Map.of("status", "ping", "delivery", deliveryId));
    }

    @Override
    public String name() {
      return "ping";
    }

    @Override
    public String detail() {
      return "ping";
    }
  }

  /** A verified event that starts no run (a deletion, another event, filtered out). */
  record Ignored(String reason) implements Outcome {
    @Override
    public int status() {
      return 202;
    }

    @Override
    public String body() {
      return Json.canonical(Map.of("status", "ignored", "reason", reason));
    }

    @Override
    public String name() {
      return "ignored";
    }

    @Override
    public String detail() {
      return reason;
    }
  }

  /** Forged, stale or replayed, or not a forge's request at all: 401 and nothing more. */
  record Refused(Reason reason) implements Outcome {
    /** Why, for the audit record only. */
    public enum Reason {
      /** Neither the path nor the headers say which forge sent it. */
      UNKNOWN_SOURCE("no forge's headers"),
      /** The forge is known but no secret is configured for it. */
      SOURCE_NOT_CONFIGURED("no secret configured for this forge"),
      SIGNATURE_MISSING("no signature header"),
      SIGNATURE_AMBIGUOUS("the signature header appears more than once"),
      SIGNATURE_MALFORMED("a malformed signature"),
      SIGNATURE_ALGORITHM("a signature with another algorithm than sha256"),
      SIGNATURE_LENGTH("a signature of the wrong length"),
      SIGNATURE_MISMATCH("a signature that does not match the body"),
      DELIVERY_ID_MISSING("no delivery id"),
      DELIVERY_ID_MALFORMED("a malformed delivery id"),
      /** Its delivery id, or the very same body, was seen before. */
      REPLAYED("a delivery id or body seen before"),
      /** Older than the replay window by a time the forge signed. */
      STALE("older than the replay window");

      private final String words;

      Reason(String words) {
        this.words = words;
      }

      /** In words, for the audit record. */
      public String words() {
        return words;
      }
    }

    public Refused {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int status() {
      return 401;
    }

    @Override
    public String body() {
      return "";
    }

    @Override
    public String name() {
      return "refused";
    }

    @Override
    public String detail() {
      return reason.words();
    }
  }

  /** Authentic but unusable (malformed JSON, a push without a ref): the sender may fix it. */
  record Rejected(String reason) implements Outcome {
    @Override
    public int status() {
      return 400;
    }

    @Override
    public String body() {
      return Json.canonical(Map.of("status", "rejected", "reason", reason));
    }

    @Override
    public String name() {
      return "rejected";
    }

    @Override
    public String detail() {
      return reason;
    }
  }

  /** The body is longer than the cap; reading stopped there. */
  record TooLarge(long limit) implements Outcome {
    @Override
    public int status() {
      return 413;
    }

    @Override
    public String body() {
      return Json.canonical(Map.of("status", "too-large", "limitBytes", limit));
    }

    @Override
    public Map<String, String> headers() {
      return Map.of("Connection", "close");
    }

    @Override
    public String name() {
      return "too-large";
    }

    @Override
    public String detail() {
      return "body longer than " + limit + " bytes";
    }
  }

  /** The sender's address has used up its requests for now. */
  record RateLimited(Duration retryAfter) implements Outcome {
    @Override
    public int status() {
      return 429;
    }

    @Override
    public String body() {
      return Json.canonical(Map.of("status", "rate-limited"));
    }

    @Override
    public Map<String, String> headers() {
      return Map.of("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
    }

    @Override
    public String name() {
      return "rate-limited";
    }

    @Override
    public String detail() {
      return "rate limit; retry after " + Math.max(1, retryAfter.toSeconds()) + " s";
    }
  }

  /** Not a POST. */
  record MethodNotAllowed(String method) implements Outcome {
    @Override
    public int status() {
      return 405;
    }

    @Override
    public String body() {
      return Json.canonical(Map.of("status", "method-not-allowed"));
    }

    @Override
    public Map<String, String> headers() {
      return Map.of("Allow", "POST");
    }

    @Override
    public String name() {
      return "method-not-allowed";
    }

    @Override
    public String detail() {
      return "method " + (method.matches("[A-Z]{1,16}") ? method : "(other)");
    }
  }

  /**
   * Cairn could not take the request now (the delivery store or audit could not be written, the
   * consumer refused the trigger); nothing was recorded, so the forge's redelivery is welcome.
   */
  record Unavailable(String cause) implements Outcome {
    @Override
    public int status() {
      return 503;
    }

    @Override
    public String body() {
      return Json.canonical(Map.of("status", "unavailable"));
    }

    @Override
    public String name() {
      return "unavailable";
    }

    @Override
    public String detail() {
      return cause;
    }
  }
}
