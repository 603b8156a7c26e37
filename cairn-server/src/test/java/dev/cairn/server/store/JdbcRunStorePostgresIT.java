package dev.cairn.server.store;

import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.RunStoreContract;
import dev.cairn.testing.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store on a real PostgreSQL against the shared {@link RunStoreContract}. */
class JdbcRunStorePostgresIT extends RunStoreContract {
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
  protected RunStore open() throws Exception {
    return Stores.runs(db.database());
  }
}
