package dev.cairn.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC scan and cluster stores on embedded H2 against {@link ScheduleStoresContract}. */
class JdbcScheduleStoresTest extends ScheduleStoresContract {
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
  protected ScanStore scans() throws Exception {
    return Stores.scans(db.database());
  }

  @Override
  protected ClusterStore clusters() throws Exception {
    return Stores.clusters(db.database());
  }
}
