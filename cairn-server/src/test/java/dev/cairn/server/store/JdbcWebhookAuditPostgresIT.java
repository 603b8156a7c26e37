package dev.cairn.server.store;

import dev.cairn.pipeline.webhook.AuditSink;
import dev.cairn.pipeline.webhook.AuditSinkContract;
import dev.cairn.testing.Postgres;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store on a real PostgreSQL against the shared {@link AuditSinkContract}. */
class JdbcWebhookAuditPostgresIT extends AuditSinkContract {
  @RegisterExtension static final Postgres PG = Postgres.shared();
  Opened db;

  @BeforeEach
  void database() throws Exception {
    db = Opened.postgres(PG.newDatabase());
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
