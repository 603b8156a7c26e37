package dev.cairn.pipeline.webhook;

import java.io.InputStream;

/**
 * Turns webhook requests into outcomes: rate limit, size cap, signature (before any parsing),
 * delivery id and replay check, then the event and the filter; every outcome is audited, and an
 * accepted trigger is handed to the consumer given to {@link Webhooks#handler}. Safe for concurrent
 * use. Made by {@link Webhooks#handler}; served by {@link WebhookServer}.
 */
public interface WebhookHandler {
  /**
   * Handles one request; reads at most {@link #maxBodyBytes()} + 1 bytes of {@code body}. Never
   * throws for anything a sender can cause: every such case is an {@link Outcome}.
   */
  Outcome handle(WebhookRequest request, InputStream body);

  /** The body-size cap. */
  long maxBodyBytes();
}
