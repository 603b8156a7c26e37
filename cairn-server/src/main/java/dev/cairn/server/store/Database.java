package dev.cairn.server.store;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import dev.cairn.server.store.internal.ConnectionPool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * Where the server keeps its state: an embedded H2 file database in Cairn's home ({@link
 * #embedded}, the default) or PostgreSQL through a JDBC URL ({@link #open}). Opening runs the
 * schema migrations ({@code db/migration}, Flyway) and keeps a small pool of connections.
 *
 * <p>The embedded database is H2 in file mode with {@code WRITE_DELAY=0}: every commit is written
 * to the file before it returns, and H2's store keeps the file whole through a kill; only one
 * process opens it at a time. PostgreSQL may be shared by several servers.
 *
 * <p>A password, in the URL ({@code password=...}) or given apart, never appears in {@link
 * #toString()}, {@link #url()} or any message.
 */
public final class Database implements AutoCloseable {
  /** Which database it is. */
  public enum Kind {
    H2,
    POSTGRESQL
  }

  /** Work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;]password=)([^&;]*)");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)([^@/]*)(@)");
  private static final int POOL_SIZE = 8;

  private final Kind kind;
  private final String url;
  private final String shownUrl;
  private final Properties properties;
  private final @Nullable String password;
  private final ConnectionPool pool;

  private Database(Kind kind, String url, Properties properties) {
    this.kind = kind;
    this.url = url;
    this.properties = properties;
    @Nullable String p = properties.getProperty("password");
    Matcher m = PASSWORD_PARAM.matcher(url);
    if (p == null && m.find()) {
      p = m.group(2);
    }
    this.password = p == null || p.isEmpty() ? null : p;
    this.shownUrl = redact(url);
    this.pool = new ConnectionPool(this::connect, POOL_SIZE);
  }

  /**
   * The embedded database in Cairn's home: {@code <home>/server/cairn.mv.db}, created when missing.
   */
  public static Database embedded(CairnHome home) throws StoreException {
    Path dir = home.dir("server").toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new StoreException(
          "cannot create the database directory " + dir + ": " + e.getMessage(),
          "check that Cairn's home is writable",
          e);
    }
    return open("jdbc:h2:file:" + dir.resolve("cairn"));
  }

  /** The database at {@code url}; a user and password may be given in it as parameters. */
  public static Database open(String url) throws StoreException {
    return open(url, null, null);
  }

  /**
   * The database at {@code url} ({@code jdbc:postgresql://HOST:PORT/DB} or {@code
   * jdbc:h2:file:PATH}), as {@code user} with {@code password} when given.
   */
  public static Database open(String url, @Nullable String user, @Nullable Secret password)
      throws StoreException {
    String u = url.strip();
    String lower = u.toLowerCase(Locale.ROOT);
    Kind kind;
    if (lower.startsWith("jdbc:postgresql:")) {
      kind = Kind.POSTGRESQL;
    } else if (lower.startsWith("jdbc:h2:")) {
      kind = Kind.H2;
      String rest = lower.substring("jdbc:h2:".length());
      if (rest.startsWith("tcp:")
          || rest.startsWith("ssl:")
          || lower.contains("auto_server=true")) {
        throw new StoreException(
            "the database URL " + redact(u) + " is a shared H2 server, which Cairn cannot use",
            "give a jdbc:h2:file: URL for one server, or jdbc:postgresql://HOST:PORT/DB for several");
      }
      if (!lower.contains(";write_delay=")) {
        u = u + ";WRITE_DELAY=0";
      }
      if (!lower.contains(";lock_timeout=")) {
        u = u + ";LOCK_TIMEOUT=10000";
      }
    } else {
      throw new StoreException(
          "the database URL " + redact(u) + " is not one Cairn can use",
          "give jdbc:postgresql://HOST:PORT/DATABASE, or leave it out for the embedded database");
    }
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      byte[] b = password.bytes();
      props.setProperty("password", new String(b, StandardCharsets.UTF_8));
      java.util.Arrays.fill(b, (byte) 0);
    }
    Database db = new Database(kind, u, props);
    try {
      db.read(c -> c.isValid(10));
      db.migrate();
    } catch (SQLException e) {
      db.close();
      throw db.cannotOpen(e);
    } catch (StoreException | RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private StoreException cannotOpen(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String hint;
    if (kind == Kind.H2 && e.getErrorCode() == 90020) {
      return new StoreException(
          "the embedded database " + shownUrl + " is in use by another process",
          "stop the other Cairn server using it, or give every server one PostgreSQL database",
          e);
    } else if (state.startsWith("08")) {
      hint =
          "check that PostgreSQL runs at that host and port and accepts TCP connections, or leave"
              + " out the database URL for the embedded database";
    } else if (state.equals("28P01") || state.equals("28000")) {
      hint = "check the user and password the URL gives";
    } else if (state.equals("3D000")) {
      hint = "create that database first (createdb), or name one that exists";
    } else {
      hint = "check the database URL and that the database is reachable";
    }
    return new StoreException("cannot open the database " + shownUrl + ": " + describe(e), hint, e);
  }

  private void migrate() throws StoreException {
    try {
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(
              url, properties.getProperty("user", ""), properties.getProperty("password", ""))
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreException(
          "cannot bring the schema of "
              + shownUrl
              + " up to date: "
              + scrub(oneLine(e.getMessage())),
          "check that the database user may create tables, and that no newer Cairn migrated it",
          null);
    }
  }

  private Connection connect() throws SQLException {
    try {
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      throw new SQLException(describe(e), e.getSQLState(), e.getErrorCode());
    }
  }

  /** Which database this is. */
  public Kind kind() {
    return kind;
  }

  /** The URL, any password replaced by {@code ***}. */
  public String url() {
    return shownUrl;
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns, rolled back when it throws.
   */
  public <T> T transaction(Work<T> work) throws SQLException {
    Connection c = pool.borrow();
    boolean broken = false;
    try {
      c.setAutoCommit(false);
      T out = work.run(c);
      c.commit();
      return out;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException r) {
        broken = true;
      }
      broken |=
          e instanceof SQLException s
              && s.getSQLState() != null
              && s.getSQLState().startsWith("08");
      throw e;
    } finally {
      pool.release(c, broken);
    }
  }

  /** Runs {@code work} on a connection in auto-commit mode. */
  public <T> T read(Work<T> work) throws SQLException {
    Connection c = pool.borrow();
    boolean broken = false;
    try {
      return work.run(c);
    } catch (SQLException e) {
      broken = e.getSQLState() != null && e.getSQLState().startsWith("08");
      throw e;
    } finally {
      pool.release(c, broken);
    }
  }

  /** A connection of its own, outside the pool, for a session that must live long (a lease). */
  public Connection dedicated() throws SQLException {
    return connect();
  }

  /** {@code e} in one line, without the password. */
  public String describe(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return scrub(oneLine(m));
  }

  private String scrub(String s) {
    String out = redact(s);
    if (password != null) {
      out = out.replace(password, "***");
    }
    return out;
  }

  private static String oneLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  static String redact(String url) {
    String out = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
    return USER_INFO.matcher(out).replaceAll("$1***$3");
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "Database[" + kind + " " + shownUrl + "]";
  }
}
