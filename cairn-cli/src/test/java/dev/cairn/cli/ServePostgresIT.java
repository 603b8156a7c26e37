package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Postgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn serve --db jdbc:postgresql:...}: the server's state in a real PostgreSQL. */
class ServePostgresIT {
  @TempDir Path dir;

  @Test
  void serve_onPostgres_keepsItsTokenInTheDatabase() throws Exception {
    Postgres pg = Postgres.shared();
    pg.start();
    String url = pg.newDatabase();
    ServeCommandTest.serveAndUseAnInitToken(dir, "--db", url);
    assertThat(dir.resolve("home/server/cairn.mv.db")).doesNotExist();
    assertThat(dir.resolve("home/server/tokens.json")).doesNotExist();
  }
}
