package dev.cairn.server.store;

import dev.cairn.pipeline.webhook.DeliveryStore;
import dev.cairn.pipeline.webhook.DeliveryStoreContract;
import dev.cairn.testing.Postgres;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC store on a real PostgreSQL against the shared {@link DeliveryStoreContract}. */
class JdbcDeliveryStorePostgresIT extends DeliveryStoreContract {
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
  protected DeliveryStore open(DeliveryStore.Retention retention, Clock clock) throws Exception {
    return Stores.deliveries(db.database(), retention, clock);
  }
}
