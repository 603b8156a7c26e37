package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void embedded_livesInCairnsHome_andIsMigrated() throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    try (Database db = Database.embedded(home)) {
      assertThat(db.kind()).isEqualTo(Database.Kind.H2);
      assertThat(home.root().resolve("server/cairn.mv.db")).exists();
      assertThat(db.url()).contains("WRITE_DELAY=0");
      List<String> tables = new ArrayList<>();
      db.read(
          c -> {
            try (ResultSet r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
              while (r.next()) {
                tables.add(r.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
              }
            }
            return Boolean.TRUE;
          });
      assertThat(tables)
          .contains(
              "runs",
              "run_logs",
              "webhook_deliveries",
              "webhook_audit",
              "deploy_revisions",
              "duties_audit",
              "scans",
              "certificates",
              "api_tokens",
              "clusters",
              "flyway_schema_history");
    }
    // opened again: the migration is not run twice
    try (Database db = Database.embedded(home)) {
      int applied =
          db.read(
              c -> {
                try (ResultSet r =
                    c.createStatement()
                        .executeQuery(
                            "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '1'")) {
                  r.next();
                  return r.getInt(1);
                }
              });
      assertThat(applied).isEqualTo(1);
    }
  }

  @Test
  void unknownUrl_isOneLineWithAHint() {
    assertThatThrownBy(() -> Database.open("jdbc:mysql://db/cairn?password=hunter2"))
        .isInstanceOf(StoreException.class)
        .hasMessage("the database URL jdbc:mysql://db/cairn?password=*** is not one Cairn can use")
        .satisfies(
            e ->
                assertThat(((StoreException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("jdbc:postgresql://")));
    assertThatThrownBy(() -> Database.open("jdbc:h2:tcp://localhost/x"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("shared H2 server");
  }

  @Test
  void unreachablePostgres_failsInOneLine_withoutThePassword() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + port
            + "/cairn?user=cairn&password=s3cr3t-pw&connectTimeout=2";
    assertThatThrownBy(() -> Database.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot open the database jdbc:postgresql://127.0.0.1:" + port)
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("s3cr3t-pw")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .satisfies(
            e ->
                assertThat(((StoreException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("PostgreSQL runs")));
    assertThatThrownBy(
            () ->
                Database.open(
                    "jdbc:postgresql://127.0.0.1:" + port + "/cairn",
                    "cairn",
                    Secret.ofUtf8("apart-pw")))
        .isInstanceOf(StoreException.class)
        .hasMessageNotContaining("apart-pw");
  }

  @Test
  void passwords_areRedacted_inUrlsAndToString() {
    assertThat(Database.redact("jdbc:postgresql://h/db?user=u&password=p%40ss&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    assertThat(Database.redact("jdbc:postgresql://u:pw@h/db"))
        .isEqualTo("jdbc:postgresql://u:***@h/db");
  }

  @Test
  void embeddedDatabase_inUseElsewhere_isNamed() throws Exception {
    // a second process cannot open it; in one JVM H2 shares it, so show the message by a child
    CairnHome home = CairnHome.of(dir.resolve("home"));
    try (Database db = Database.embedded(home)) {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  OpenChild.class.getName(),
                  home.root().toString())
              .redirectErrorStream(true)
              .start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor()).isEqualTo(3);
      assertThat(out).contains("is in use by another process");
      boolean stillOpen = db.read(c -> c.isValid(2));
      assertThat(stillOpen).isTrue();
    }
  }

  /** Opens the embedded database of the home in {@code args[0]}; exits 3 with the message. */
  public static final class OpenChild {
    private OpenChild() {}

    public static void main(String[] args) {
      try (Database db = Database.embedded(CairnHome.of(Path.of(args[0])))) {
        System.exit(0);
      } catch (StoreException e) {
        System.out.println(e.getMessage());
        System.exit(3);
      }
    }
  }
}
