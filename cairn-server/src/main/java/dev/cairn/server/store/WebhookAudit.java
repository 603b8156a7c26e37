package dev.cairn.server.store;

import dev.cairn.pipeline.webhook.AuditSink;
import java.io.IOException;
import java.util.List;

/**
 * The webhook audit in the database: written as the pipeline's {@link AuditSink}, and read back.
 */
public interface WebhookAudit extends AuditSink {
  /** The newest {@code max} records as {@code AuditRecord#toJson()} lines, oldest first. */
  List<String> recent(int max) throws IOException;
}
