package dev.cairn.server.store;

import dev.cairn.deploy.rollout.DeployHistory;
import dev.cairn.deploy.rollout.DeployHistoryContract;
import dev.cairn.testing.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store on a real PostgreSQL against the shared {@link DeployHistoryContract}. */
class JdbcDeployHistoryPostgresIT extends DeployHistoryContract {
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
  protected DeployHistory open() throws Exception {
    return Stores.deployHistory(db.database());
  }
}
