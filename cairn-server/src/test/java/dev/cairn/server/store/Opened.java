package dev.cairn.server.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The databases a test opened, closed after it; H2 in a temp dir, or a PostgreSQL URL. */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> all = new ArrayList<>();
  private final String url;

  private Opened(String url) {
    this.url = url;
  }

  /** An embedded H2 file database in {@code dir}. */
  static Opened h2(Path dir) {
    return new Opened("jdbc:h2:file:" + dir.resolve("cairn").toAbsolutePath());
  }

  /** The PostgreSQL database at {@code url}. */
  static Opened postgres(String url) {
    return new Opened(url);
  }

  String url() {
    return url;
  }

  /** The database, opened again (as another process would). */
  Database database() throws StoreException {
    Database db = Database.open(url);
    all.add(db);
    return db;
  }

  <T extends AutoCloseable> T closeLater(T t) {
    all.add(0, t);
    return t;
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : all) {
      c.close();
    }
    all.clear();
  }
}
