package dev.cairn.server.store;

import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.AuditLogContract;
import dev.cairn.testing.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store on a real PostgreSQL against the shared {@link AuditLogContract}. */
class JdbcAuditLogPostgresIT extends AuditLogContract {
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
  protected AuditLog open() throws Exception {
    return Stores.dutiesAudit(db.database());
  }

  @Override
  protected void removeRecord(int n) throws Exception {
    db.database()
        .read(
            c -> {
              try (java.sql.PreparedStatement s =
                  c.prepareStatement("DELETE FROM duties_audit WHERE seq = ?")) {
                s.setLong(1, n);
                return s.executeUpdate();
              }
            });
  }
}
