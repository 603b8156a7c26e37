package dev.cairn.server.store;

import dev.cairn.pipeline.webhook.DeliveryStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * Webhook deliveries in the database. Uniqueness is the database's: a unique key on (forge, id) and
 * one on the body's digest, so two racing copies, in any processes, cannot both be new. A delivery
 * older than the retention's age is forgotten; so are the oldest past its count (counted by
 * insertion; a {@link #forget} leaves a gap, so fewer may be kept, never more).
 */
final class JdbcDeliveryStore implements DeliveryStore {
  private final Database db;
  private final Retention retention;
  private final Clock clock;

  JdbcDeliveryStore(Database db, Retention retention, Clock clock) {
    this.db = db;
    this.retention = retention;
    this.clock = clock;
  }

  private Instant cutoff() {
    return clock.instant().minus(retention.maxAge());
  }

  private IOException error(String what, SQLException e) {
    return new IOException(what + " in " + db.url() + ": " + db.describe(e), e);
  }

  @Override
  public boolean recordIfNew(Delivery d) throws IOException {
    try {
      Long seq = insert(d);
      if (seq == null) {
        // perhaps what it collides with is past the retention: forget those, then try once more
        if (forgetExpired() == 0) {
          return false;
        }
        seq = insert(d);
        if (seq == null) {
          return false;
        }
      }
      // ids have gaps (refused copies, forgotten deliveries): count the rows, not the ids; with a
      // large retention, every 128th insert (up to 128 more may be kept for a moment)
      int max = retention.maxEntries();
      if (seq > max && (max <= 10_000 || seq % 128 == 0)) {
        trim(max);
      }
      if (seq % 256 == 0) {
        forgetExpired();
      }
      return true;
    } catch (SQLException e) {
      throw error("cannot record webhook delivery " + d.id(), e);
    }
  }

  private @Nullable Long insert(Delivery d) throws SQLException {
    try {
      return db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO webhook_deliveries (source, delivery_id, body_sha256, received_at)"
                        + " VALUES (?, ?, ?, ?)",
                    new String[] {"seq"})) {
              s.setString(1, d.source().id());
              s.setString(2, d.id());
              s.setString(3, d.bodySha256());
              s.setObject(4, d.receivedAt().atOffset(ZoneOffset.UTC));
              s.executeUpdate();
              try (ResultSet k = s.getGeneratedKeys()) {
                k.next();
                return k.getLong(1);
              }
            }
          });
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  private void trim(int max) throws SQLException {
    db.read(
        c -> {
          long cut = -1;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT seq FROM webhook_deliveries ORDER BY seq DESC"
                      + " OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY")) {
            s.setInt(1, max);
            try (ResultSet r = s.executeQuery()) {
              if (r.next()) {
                cut = r.getLong(1);
              }
            }
          }
          if (cut < 0) {
            return 0;
          }
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM webhook_deliveries WHERE seq <= ?")) {
            s.setLong(1, cut);
            return s.executeUpdate();
          }
        });
  }

  private int forgetExpired() throws SQLException {
    Instant cut = cutoff();
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM webhook_deliveries WHERE received_at < ?")) {
            s.setObject(1, cut.atOffset(ZoneOffset.UTC));
            return s.executeUpdate();
          }
        });
  }

  @Override
  public void forget(Delivery d) throws IOException {
    try {
      db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "DELETE FROM webhook_deliveries WHERE source = ? AND delivery_id = ?"
                        + " AND body_sha256 = ?")) {
              s.setString(1, d.source().id());
              s.setString(2, d.id());
              s.setString(3, d.bodySha256());
              return s.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw error("cannot forget webhook delivery " + d.id(), e);
    }
  }

  @Override
  public int size() {
    try {
      Instant cut = cutoff();
      return db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT COUNT(*) FROM webhook_deliveries WHERE received_at >= ?")) {
              s.setObject(1, cut.atOffset(ZoneOffset.UTC));
              try (ResultSet r = s.executeQuery()) {
                r.next();
                return (int) Math.min(Integer.MAX_VALUE, r.getLong(1));
              }
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot count webhook deliveries in " + db.url() + ": " + db.describe(e), e);
    }
  }

  @Override
  public void close() {
    // the database belongs to whoever opened it
  }

  @Override
  public String toString() {
    return "JdbcDeliveryStore[" + db.url() + "]";
  }
}
