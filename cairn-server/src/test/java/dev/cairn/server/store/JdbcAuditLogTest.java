package dev.cairn.server.store;

import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.AuditLogContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on embedded H2 against the shared {@link AuditLogContract}. */
class JdbcAuditLogTest extends AuditLogContract {
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
