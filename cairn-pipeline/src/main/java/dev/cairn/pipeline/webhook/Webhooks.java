package dev.cairn.pipeline.webhook;

import java.util.function.Consumer;

/** The entry point: a {@link WebhookHandler} for a {@link WebhookConfig}. */
public final class Webhooks {
  private Webhooks() {}

  /**
   * A handler checking requests by {@code config} and handing each accepted {@link Trigger} to
   * {@code consumer} (on the request's thread, before the response: it should only enqueue). A
   * consumer that throws gets the request a 503 and the delivery forgotten, so the forge's
   * redelivery is taken.
   */
  public static WebhookHandler handler(WebhookConfig config, Consumer<Trigger> consumer) {
    return new DefaultWebhookHandler(config, consumer);
  }
}
