package dev.cairn.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Scans as rows, their counts as child rows, written in one transaction. */
final class JdbcScanStore implements ScanStore {
  private final Database db;

  JdbcScanStore(Database db) {
    this.db = db;
  }

  private StoreException error(String what, SQLException e) {
    return new StoreException(
        what + " in " + db.url() + ": " + db.describe(e),
        "check that the database is reachable",
        e);
  }

  @Override
  public Scan add(Scan scan) throws StoreException {
    try {
      long id =
          db.transaction(
              c -> {
                long newId;
                try (PreparedStatement s =
                    c.prepareStatement(
                        "INSERT INTO scans (cluster_id, scanned_at, report) VALUES (?, ?, ?)",
                        new String[] {"id"})) {
                  s.setString(1, scan.cluster());
                  // truncated, as the record returned says (a database would round the nanoseconds)
                  s.setObject(
                      2,
                      scan.scannedAt()
                          .truncatedTo(java.time.temporal.ChronoUnit.MICROS)
                          .atOffset(ZoneOffset.UTC));
                  s.setString(3, scan.reportJson());
                  s.executeUpdate();
                  try (ResultSet k = s.getGeneratedKeys()) {
                    k.next();
                    newId = k.getLong(1);
                  }
                }
                try (PreparedStatement s =
                    c.prepareStatement(
                        "INSERT INTO scan_counts (scan_id, framework, severity, findings)"
                            + " VALUES (?, ?, ?, ?)")) {
                  for (Map.Entry<String, Map<String, Integer>> f : scan.findings().entrySet()) {
                    for (Map.Entry<String, Integer> sev : f.getValue().entrySet()) {
                      s.setLong(1, newId);
                      s.setString(2, f.getKey());
                      s.setString(3, sev.getKey());
                      s.setInt(4, sev.getValue());
                      s.addBatch();
                    }
                  }
                  s.executeBatch();
                }
                return newId;
              });
      return new Scan(
          id,
          scan.cluster(),
          scan.scannedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
          scan.findings(),
          scan.reportJson());
    } catch (SQLException e) {
      throw error("cannot add a scan of " + scan.cluster(), e);
    }
  }

  private static Map<String, Map<String, Integer>> counts(Connection c, long id)
      throws SQLException {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT framework, severity, findings FROM scan_counts WHERE scan_id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.computeIfAbsent(r.getString(1), k -> new LinkedHashMap<>())
              .put(r.getString(2), r.getInt(3));
        }
      }
    }
    return out;
  }

  private List<Scan> query(String sql, Object arg, int max, boolean withReport)
      throws SQLException {
    return db.transaction(
        c -> {
          List<Scan> out = new ArrayList<>();
          List<Object[]> rows = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, arg);
            if (max >= 0) {
              s.setInt(2, max);
            }
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                rows.add(
                    new Object[] {
                      r.getLong(1),
                      r.getString(2),
                      r.getObject(3, OffsetDateTime.class),
                      withReport ? r.getString(4) : ""
                    });
              }
            }
          }
          for (Object[] row : rows) {
            long id = (Long) row[0];
            out.add(
                new Scan(
                    id,
                    (String) row[1],
                    ((OffsetDateTime) row[2]).toInstant(),
                    counts(c, id),
                    (String) row[3]));
          }
          return out;
        });
  }

  @Override
  public Optional<Scan> get(long id) throws StoreException {
    try {
      return query(
              "SELECT id, cluster_id, scanned_at, report FROM scans WHERE id = ?", id, -1, true)
          .stream()
          .findFirst();
    } catch (SQLException e) {
      throw error("cannot read scan " + id, e);
    }
  }

  @Override
  public List<Scan> history(String cluster, int max) throws StoreException {
    try {
      return query(
          "SELECT id, cluster_id, scanned_at FROM scans WHERE cluster_id = ?"
              + " ORDER BY scanned_at DESC, id DESC FETCH FIRST ? ROWS ONLY",
          cluster,
          Math.max(0, max),
          false);
    } catch (SQLException e) {
      throw error("cannot read the scans of " + cluster, e);
    }
  }

  @Override
  public Optional<Scan> latest(String cluster) throws StoreException {
    try {
      return query(
              "SELECT id, cluster_id, scanned_at, report FROM scans WHERE cluster_id = ?"
                  + " ORDER BY scanned_at DESC, id DESC FETCH FIRST ? ROWS ONLY",
              cluster,
              1,
              true)
          .stream()
          .findFirst();
    } catch (SQLException e) {
      throw error("cannot read the scans of " + cluster, e);
    }
  }
}
