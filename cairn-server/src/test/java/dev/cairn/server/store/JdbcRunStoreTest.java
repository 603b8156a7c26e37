package dev.cairn.server.store;

import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.RunStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on embedded H2 against the shared {@link RunStoreContract}. */
class JdbcRunStoreTest extends RunStoreContract {
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
  protected RunStore open() throws Exception {
    return Stores.runs(db.database());
  }
}
