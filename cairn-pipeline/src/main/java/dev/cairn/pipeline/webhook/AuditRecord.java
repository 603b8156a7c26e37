package dev.cairn.pipeline.webhook;

import dev.cairn.core.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One webhook request as the audit keeps it. It holds what Cairn decided and why, never the secret,
 * the signature or the body (only the body's digest and size); values taken from an unverified
 * request are kept only when they have a safe form (a delivery id is dropped otherwise).
 *
 * @param at when the request arrived
 * @param remote the sender's address
 * @param outcome {@link Outcome#name()}
 * @param status the HTTP status answered
 * @param detail why (a refusal's reason, an ignored event's reason)
 * @param source the forge, when known
 * @param deliveryId the delivery id, when it has the form of one
 * @param repository the repository's full name, from a verified body
 * @param ref the ref, from a verified body
 * @param commit the commit, from a verified body
 * @param bodyBytes how many body bytes were read ({@code -1}: none)
 * @param bodySha256 the hex SHA-256 of the body, when it was read whole
 */
public record AuditRecord(
    Instant at,
    String remote,
    String outcome,
    int status,
    String detail,
    @Nullable SourceKind source,
    @Nullable String deliveryId,
    @Nullable String repository,
    @Nullable String ref,
    @Nullable String commit,
    long bodyBytes,
    @Nullable String bodySha256) {
  public AuditRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    if (deliveryId != null && !DeliveryStore.Delivery.isId(deliveryId)) {
      deliveryId = null;
    }
  }

  /** The record as one line of canonical JSON (no newline); absent values are left out. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", at.toString());
    m.put("remote", remote);
    m.put("outcome", outcome);
    m.put("status", status);
    m.put("detail", detail);
    if (source != null) {
      m.put("source", source.id());
    }
    if (deliveryId != null) {
      m.put("delivery", deliveryId);
    }
    if (repository != null) {
      m.put("repository", repository);
    }
    if (ref != null) {
      m.put("ref", ref);
    }
    if (commit != null) {
      m.put("commit", commit);
    }
    m.put("bodyBytes", bodyBytes);
    if (bodySha256 != null) {
      m.put("bodySha256", bodySha256);
    }
    return Json.canonical(m);
  }
}
