package dev.cairn.server.notify;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something to tell a team's endpoints of.
 *
 * @param id unique; receivers deduplicate by it (it is sent as {@code X-Cairn-Delivery}'s prefix)
 * @param kind what happened
 * @param at when it happened
 * @param subject what it is about: a cluster, a deploy target, a certificate's digest
 * @param summary one line for a person
 * @param details the facts, as JSON values
 */
public record Notification(
    String id,
    Notification.Kind kind,
    Instant at,
    String subject,
    String summary,
    Map<String, Object> details) {
  /** What happened; {@link #wire()} is the {@code X-Cairn-Event} header and the body's kind. */
  public enum Kind {
    NEW_FINDINGS,
    GATE_REFUSED,
    CERTIFICATE_EXPIRING,
    CERTIFICATE_REVOKED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Optional<Kind> of(String wire) {
      for (Kind k : values()) {
        if (k.wire().equals(wire)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  public Notification {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(summary, "summary");
    if (!id.matches("[A-Za-z0-9._:-]{1,120}")) {
      throw new IllegalArgumentException("a notification id is 1 to 120 of [A-Za-z0-9._:-]");
    }
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** The JSON body posted: {@code {id, kind, at, subject, summary, details}}. */
  Map<String, Object> body() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("kind", kind.wire());
    m.put("at", at.toString());
    m.put("subject", subject);
    m.put("summary", summary);
    m.put("details", details);
    return m;
  }
}
