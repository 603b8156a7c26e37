package dev.cairn.server.store;

import dev.cairn.pipeline.webhook.AuditSink;
import dev.cairn.pipeline.webhook.AuditSinkContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on embedded H2 against the shared {@link AuditSinkContract}. */
class JdbcWebhookAuditTest extends AuditSinkContract {
  @TempDir Path dir;
  Opened db;

  @BeforeEach
  void database() {
    db = Opened.h2(dir);
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  @Override
  protected AuditSink open() throws Exception {
    return Stores.webhookAudit(db.database());
  }

  @Override
  protected List<String> recorded() throws Exception {
    return Stores.webhookAudit(db.database()).recent(10_000);
  }
}
