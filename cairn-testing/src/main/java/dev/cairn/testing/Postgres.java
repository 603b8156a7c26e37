package dev.cairn.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server on 127.0.0.1 for a test class: Debian's {@code postgresql}, installed
 * with {@code apt-get} when missing, in a fresh data directory under a temp dir, on a free port,
 * stopped after the class. initdb refuses to run as root, so as root it runs as the system user
 * {@code cairn-pg} (created once with {@code useradd --system}); trust authentication on loopback
 * only, {@code fsync=off} (a test server: its data dies with it).
 *
 * <pre>{@code @RegisterExtension static final Postgres PG = Postgres.shared();
 * String url = PG.newDatabase(); // jdbc:postgresql://127.0.0.1:PORT/t1?user=postgres
 * }</pre>
 */
public final class Postgres implements BeforeAllCallback, AfterAllCallback {
  static final String USER = "cairn-pg";
  private static final Path LIB = Path.of("/usr/lib/postgresql");

  private static @Nullable Postgres shared;

  private final AtomicInteger databases = new AtomicInteger();
  private final boolean keep;
  private @Nullable Path dir;
  private @Nullable Path bin;
  private @Nullable Thread hook;
  private int port;

  private Postgres(boolean keep) {
    this.keep = keep;
  }

  /** A server of this test class's own, stopped after the class. */
  public static Postgres create() {
    return new Postgres(false);
  }

  /**
   * One server for every test class of this JVM that asks for it (each test takes a fresh database
   * with {@link #newDatabase}), stopped when the JVM exits.
   */
  public static synchronized Postgres shared() {
    Postgres p = shared;
    if (p == null) {
      p = new Postgres(true);
      shared = p;
    }
    return p;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (!keep) {
      stop();
    }
  }

  /** The directory of PostgreSQL's programs, installing the package when there is none. */
  static Path binaries() throws IOException {
    Path found = newestBin();
    if (found == null) {
      DebianPackages.ensure("postgresql", LIB);
      found = newestBin();
    }
    if (found == null) {
      throw new IOException(
          "apt-get installed postgresql but no " + LIB + "/*/bin/initdb is there");
    }
    return found;
  }

  private static @Nullable Path newestBin() throws IOException {
    if (!Files.isDirectory(LIB)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(LIB)) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(
              Comparator.comparingInt(
                  v -> {
                    try {
                      return Integer.parseInt(v.getFileName().toString());
                    } catch (NumberFormatException e) {
                      return 0;
                    }
                  }))
          .map(v -> v.resolve("bin"))
          .orElse(null);
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static synchronized void ensureUser() throws IOException {
    if (run(List.of("id", "-u", USER), null) == 0) {
      return;
    }
    int rc =
        run(
            List.of(
                "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER),
            null);
    if (rc != 0 && rc != 9) { // 9: it exists (made meanwhile)
      throw new IOException(
          "cannot create the system user " + USER + " (useradd exited " + rc + ")");
    }
  }

  /** Starts the server (done by the extension before the class). */
  public synchronized void start() throws IOException {
    if (dir != null) {
      return;
    }
    Path b = binaries();
    Path d = Files.createTempDirectory("cairn-pg");
    if (root()) {
      ensureUser();
      UserPrincipalLookupService users = d.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(d, users.lookupPrincipalByName(USER));
    }
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = d.resolve("data");
    Path log = d.resolve("server.log");
    check(
        asUser(
            List.of(
                b.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C")),
        "initdb",
        d.resolve("initdb.log"));
    check(
        asUser(
            List.of(
                b.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                log.toString(),
                "-o",
                "-c listen_addresses=127.0.0.1 -p "
                    + port
                    + " -k "
                    + d
                    + " -c fsync=off -c max_connections=200",
                "-w",
                "-t",
                "60",
                "start")),
        "pg_ctl start",
        log);
    dir = d;
    bin = b;
    Thread h = new Thread(this::stopQuietly, "postgres-stop");
    Runtime.getRuntime().addShutdownHook(h);
    hook = h;
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (IOException e) {
      // the process goes with the machine's cleanup
    }
  }

  private void stopServer() throws IOException {
    Path d = dir;
    Path b = bin;
    if (d == null || b == null) {
      return;
    }
    run(
        asUser(
            List.of(
                b.resolve("pg_ctl").toString(),
                "-D",
                d.resolve("data").toString(),
                "-m",
                "immediate",
                "-w",
                "stop")),
        null);
  }

  /** Stops the server and removes its data. */
  public synchronized void stop() throws IOException {
    Path d = dir;
    if (d == null) {
      return;
    }
    stopServer();
    Thread h = hook;
    if (h != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(h);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
    try (Stream<Path> walk = Files.walk(d)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    dir = null;
    hook = null;
  }

  public int port() {
    return port;
  }

  /** A JDBC URL for database {@code name} on this server, as the superuser. */
  public String jdbcUrl(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=postgres";
  }

  /** Creates a fresh, empty database and gives its JDBC URL. */
  public String newDatabase() throws IOException {
    Path b = bin;
    if (b == null) {
      throw new IllegalStateException("the server is not started");
    }
    String name = "t" + databases.incrementAndGet();
    Path out = Files.createTempFile("cairn-pg-createdb", ".log");
    try {
      check(
          asUser(
              List.of(
                  b.resolve("createdb").toString(),
                  "-h",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port),
                  "-U",
                  "postgres",
                  name)),
          "createdb",
          out);
    } finally {
      Files.deleteIfExists(out);
    }
    return jdbcUrl(name);
  }

  private static List<String> asUser(List<String> cmd) {
    if (!root()) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
    out.addAll(cmd);
    return out;
  }

  private static void check(List<String> cmd, String what, Path log) throws IOException {
    int rc = run(cmd, log);
    if (rc != 0) {
      String tail = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (tail.length() > 2000) {
        tail = tail.substring(tail.length() - 2000);
      }
      throw new IOException(what + " exited " + rc + ": " + tail.strip());
    }
  }

  private static int run(List<String> cmd, @Nullable Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (log == null) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    } else if (!log.getFileName().toString().equals("server.log")) {
      pb.redirectOutput(log.toFile());
    } else {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    pb.directory(Path.of("/").toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", cmd), e);
    }
  }
}
