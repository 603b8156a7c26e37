package dev.cairn.server.store;

import dev.cairn.core.Json;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.rollout.DeployHistory;
import dev.cairn.deploy.rollout.Pin;
import dev.cairn.deploy.rollout.Revision;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Deploy history in the database: a revision and its manifests are written in one transaction, so a
 * recorded revision always has the manifests it was recorded with.
 */
final class JdbcDeployHistory implements DeployHistory {
  private final Database db;

  JdbcDeployHistory(Database db) {
    this.db = db;
  }

  private static String target(String target) {
    if (!TargetConfig.validName(target)) {
      throw new IllegalArgumentException("not a target name: " + target);
    }
    return target;
  }

  private IOException error(String what, SQLException e) {
    return new IOException(what + " in " + db.url() + ": " + db.describe(e), e);
  }

  @Override
  public List<Revision> revisions(String target) throws IOException {
    String t = target(target);
    try {
      List<String> rows =
          db.read(
              c -> {
                List<String> l = new ArrayList<>();
                try (PreparedStatement s =
                    c.prepareStatement(
                        "SELECT record FROM deploy_revisions WHERE target = ? ORDER BY rev")) {
                  s.setString(1, t);
                  try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                      l.add(r.getString(1));
                    }
                  }
                }
                return l;
              });
      List<Revision> out = new ArrayList<>();
      for (String json : rows) {
        out.add(read(Json.parseObject(json), t));
      }
      return List.copyOf(out);
    } catch (SQLException e) {
      throw error("cannot read the history of target " + t, e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> manifests(String target, int rev) throws IOException {
    String t = target(target);
    try {
      Optional<String> found =
          db.read(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement(
                        "SELECT manifests FROM deploy_manifests WHERE target = ? AND rev = ?")) {
                  s.setString(1, t);
                  s.setInt(2, rev);
                  try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
                  }
                }
              });
      if (found.isEmpty()) {
        throw new IOException("revision " + rev + " of target " + t + " has no manifests");
      }
      String json = found.get();
      if (!(Json.parse(json) instanceof List<?> l)) {
        throw new IOException("the manifests of revision " + rev + " of " + t + " are damaged");
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (Object o : l) {
        if (!(o instanceof Map<?, ?>)) {
          throw new IOException("the manifests of revision " + rev + " of " + t + " are damaged");
        }
        out.add((Map<String, Object>) o);
      }
      return out;
    } catch (SQLException e) {
      throw error("cannot read the manifests of target " + t, e);
    }
  }

  @Override
  public void record(
      String target, Revision revision, @Nullable List<Map<String, Object>> manifests)
      throws IOException {
    String t = target(target);
    String record = Json.canonical(write(revision));
    String wire = manifests == null ? null : Json.canonical(manifests);
    try {
      retryingOnConflict(
          () ->
              db.transaction(
                  c -> {
                    if (wire != null) {
                      replace(
                          c,
                          "DELETE FROM deploy_manifests WHERE target = ? AND rev = ?",
                          "INSERT INTO deploy_manifests (target, rev, manifests) VALUES (?, ?, ?)",
                          t,
                          revision.rev(),
                          wire);
                    }
                    replace(
                        c,
                        "DELETE FROM deploy_revisions WHERE target = ? AND rev = ?",
                        "INSERT INTO deploy_revisions (target, rev, record) VALUES (?, ?, ?)",
                        t,
                        revision.rev(),
                        record);
                    return Boolean.TRUE;
                  }));
    } catch (SQLException e) {
      throw error("cannot record revision " + revision.rev() + " of target " + t, e);
    }
  }

  interface SqlRun {
    void run() throws SQLException;
  }

  static void retryingOnConflict(SqlRun r) throws SQLException {
    for (int attempt = 0; ; attempt++) {
      try {
        r.run();
        return;
      } catch (SQLException e) {
        if (!"23505".equals(e.getSQLState()) || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  private static void replace(
      Connection c, String delete, String insert, String target, int rev, String value)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(delete)) {
      s.setString(1, target);
      s.setInt(2, rev);
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement(insert)) {
      s.setString(1, target);
      s.setInt(2, rev);
      s.setString(3, value);
      s.executeUpdate();
    }
  }

  @Override
  public Optional<Pin> pin(String target) throws IOException {
    String t = target(target);
    try {
      return db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT rev, who, pinned_at FROM deploy_pins WHERE target = ?")) {
              s.setString(1, t);
              try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                  return Optional.<Pin>empty();
                }
                return Optional.of(
                    new Pin(
                        r.getInt(1),
                        r.getString(2),
                        r.getObject(3, OffsetDateTime.class).toInstant()));
              }
            }
          });
    } catch (SQLException e) {
      throw error("cannot read the pin of target " + t, e);
    }
  }

  @Override
  public void setPin(String target, @Nullable Pin pin) throws IOException {
    String t = target(target);
    try {
      retryingOnConflict(
          () ->
              db.transaction(
                  c -> {
                    try (PreparedStatement s =
                        c.prepareStatement("DELETE FROM deploy_pins WHERE target = ?")) {
                      s.setString(1, t);
                      s.executeUpdate();
                    }
                    if (pin != null) {
                      try (PreparedStatement s =
                          c.prepareStatement(
                              "INSERT INTO deploy_pins (target, rev, who, pinned_at)"
                                  + " VALUES (?, ?, ?, ?)")) {
                        s.setString(1, t);
                        s.setInt(2, pin.rev());
                        s.setString(3, pin.who());
                        s.setObject(4, pin.time().atOffset(ZoneOffset.UTC));
                        s.executeUpdate();
                      }
                    }
                    return Boolean.TRUE;
                  }));
    } catch (SQLException e) {
      throw error("cannot pin target " + t, e);
    }
  }

  private static Map<String, Object> write(Revision r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rev", r.rev());
    m.put("kind", r.kind());
    if (r.commit() != null) {
      m.put("commit", r.commit());
    }
    m.put("images", r.images());
    m.put("time", r.time().toString());
    m.put("who", r.who());
    m.put("gate", r.gate());
    m.put("outcome", r.outcome().wire());
    if (r.reason() != null) {
      m.put("reason", r.reason());
    }
    if (r.restored() != null) {
      m.put("restored", r.restored());
    }
    return m;
  }

  private static Revision read(Map<String, Object> m, String target) throws IOException {
    try {
      List<String> images = new ArrayList<>();
      if (m.get("images") instanceof List<?> l) {
        for (Object o : l) {
          images.add(String.valueOf(o));
        }
      }
      return new Revision(
          ((Number) Objects.requireNonNull(m.get("rev"), "rev")).intValue(),
          (String) Objects.requireNonNull(m.get("kind"), "kind"),
          m.get("commit") instanceof String c ? c : null,
          images,
          Instant.parse((String) Objects.requireNonNull(m.get("time"), "time")),
          (String) Objects.requireNonNull(m.get("who"), "who"),
          (String) Objects.requireNonNull(m.get("gate"), "gate"),
          Revision.Outcome.ofWire((String) Objects.requireNonNull(m.get("outcome"), "outcome")),
          m.get("reason") instanceof String r ? r : null,
          m.get("restored") instanceof Number n ? n.intValue() : null);
    } catch (RuntimeException e) {
      throw new IOException(
          "a revision of target " + target + " cannot be read: " + e.getMessage(), e);
    }
  }
}
