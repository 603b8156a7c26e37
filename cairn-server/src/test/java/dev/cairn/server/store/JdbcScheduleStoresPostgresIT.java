package dev.cairn.server.store;

import dev.cairn.testing.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC scan and cluster stores on a real PostgreSQL against {@link ScheduleStoresContract}. */
class JdbcScheduleStoresPostgresIT extends ScheduleStoresContract {
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
  protected ScanStore scans() throws Exception {
    return Stores.scans(db.database());
  }

  @Override
  protected ClusterStore clusters() throws Exception {
    return Stores.clusters(db.database());
  }
}
