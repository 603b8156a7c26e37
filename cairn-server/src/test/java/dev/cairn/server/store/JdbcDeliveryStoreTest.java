package dev.cairn.server.store;

import dev.cairn.pipeline.webhook.DeliveryStore;
import dev.cairn.pipeline.webhook.DeliveryStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on embedded H2 against the shared {@link DeliveryStoreContract}. */
class JdbcDeliveryStoreTest extends DeliveryStoreContract {
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
  protected DeliveryStore open(DeliveryStore.Retention retention, Clock clock) throws Exception {
    return Stores.deliveries(db.database(), retention, clock);
  }
}
