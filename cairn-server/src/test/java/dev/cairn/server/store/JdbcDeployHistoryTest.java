package dev.cairn.server.store;

import dev.cairn.deploy.rollout.DeployHistory;
import dev.cairn.deploy.rollout.DeployHistoryContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on embedded H2 against the shared {@link DeployHistoryContract}. */
class JdbcDeployHistoryTest extends DeployHistoryContract {
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
  protected DeployHistory open() throws Exception {
    return Stores.deployHistory(db.database());
  }
}
