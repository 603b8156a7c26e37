package dev.cairn.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Registered clusters as rows. */
final class JdbcClusterStore implements ClusterStore {
  private final Database db;

  JdbcClusterStore(Database db) {
    this.db = db;
  }

  private StoreException error(String what, SQLException e) {
    return new StoreException(
        what + " in " + db.url() + ": " + db.describe(e),
        "check that the database is reachable",
        e);
  }

  @Override
  public void put(Cluster cluster) throws StoreException {
    try {
      JdbcDeployHistory.retryingOnConflict(
          () ->
              db.transaction(
                  c -> {
                    try (PreparedStatement s =
                        c.prepareStatement("DELETE FROM clusters WHERE name = ?")) {
                      s.setString(1, cluster.name());
                      s.executeUpdate();
                    }
                    try (PreparedStatement s =
                        c.prepareStatement(
                            "INSERT INTO clusters (name, kubeconfig, schedule, registered_at)"
                                + " VALUES (?, ?, ?, ?)")) {
                      s.setString(1, cluster.name());
                      s.setString(2, cluster.kubeconfig());
                      s.setString(3, cluster.schedule());
                      s.setObject(4, cluster.registeredAt().atOffset(ZoneOffset.UTC));
                      s.executeUpdate();
                    }
                    return Boolean.TRUE;
                  }));
    } catch (SQLException e) {
      throw error("cannot register cluster " + cluster.name(), e);
    }
  }

  private static final String SELECT =
      "SELECT name, kubeconfig, schedule, registered_at FROM clusters";

  private List<Cluster> query(String sql, Object... args) throws SQLException {
    return db.read(
        c -> {
          List<Cluster> out = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
              s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(
                    new Cluster(
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.getObject(4, OffsetDateTime.class).toInstant()));
              }
            }
          }
          return out;
        });
  }

  @Override
  public Optional<Cluster> get(String name) throws StoreException {
    try {
      return query(SELECT + " WHERE name = ?", name).stream().findFirst();
    } catch (SQLException e) {
      throw error("cannot read cluster " + name, e);
    }
  }

  @Override
  public List<Cluster> list() throws StoreException {
    try {
      return query(SELECT + " ORDER BY name");
    } catch (SQLException e) {
      throw error("cannot list the clusters", e);
    }
  }

  @Override
  public boolean remove(String name) throws StoreException {
    try {
      return db.read(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement("DELETE FROM clusters WHERE name = ?")) {
                  s.setString(1, name);
                  return s.executeUpdate();
                }
              })
          > 0;
    } catch (SQLException e) {
      throw error("cannot remove cluster " + name, e);
    }
  }
}
