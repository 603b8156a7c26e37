package dev.cairn.pipeline.webhook;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where every webhook outcome is recorded. An acceptance whose record cannot be written is not
 * accepted (the request gets 503 and nothing is run). {@code cairn-server} supplies a JDBC one.
 */
public interface AuditSink extends AutoCloseable {
  /** Records {@code record}, durably when it returns. */
  void record(AuditRecord record) throws IOException;

  @Override
  void close() throws IOException;

  /**
   * JSON lines appended to {@code file} (created owner-only), each synced before it counts. A torn
   * last line left by a crash is closed with a newline on open, so later lines stay whole.
   *
   * @throws WebhookException when the file cannot be opened for appending
   */
  static AuditSink file(Path file) throws WebhookException {
    return FileAuditSink.open(file);
  }
}
