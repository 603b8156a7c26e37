package dev.cairn.pipeline.webhook;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/** A webhook listener that cannot be set up as asked (no secret, an unusable state directory). */
public final class WebhookException extends CairnException {
  private static final long serialVersionUID = 1L;

  public WebhookException(String message, @Nullable String hint, @Nullable Fix fix) {
    super(message, hint, fix, null);
  }

  public WebhookException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, null, cause);
  }
}
