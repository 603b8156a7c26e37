package dev.cairn.server.store;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.DutyException;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The duties audit in the database, as the same chain of canonical JSON lines the file log keeps
 * (each line's {@code prev} is the SHA-256 of the line before), one row a line. The sequence number
 * is the primary key: two appenders that read the same last line cannot both add the next one; the
 * loser reads again and appends after the winner.
 */
final class JdbcAuditLog implements AuditLog {
  private final Database db;

  JdbcAuditLog(Database db) {
    this.db = db;
  }

  @Override
  public String where() {
    return "table duties_audit of " + db.url();
  }

  @Override
  public void append(Map<String, Object> record) throws DutyException {
    try {
      JdbcDeployHistory.retryingOnConflict(
          () ->
              db.transaction(
                  c -> {
                    long seq = 0;
                    String prev = "none";
                    try (PreparedStatement s =
                            c.prepareStatement(
                                "SELECT seq, line FROM duties_audit ORDER BY seq DESC"
                                    + " FETCH FIRST 1 ROWS ONLY");
                        ResultSet r = s.executeQuery()) {
                      if (r.next()) {
                        seq = r.getLong(1);
                        prev = Digest.sha256(r.getString(2)).toString();
                      }
                    }
                    Map<String, Object> m = new LinkedHashMap<>(record);
                    m.put("prev", prev);
                    try (PreparedStatement s =
                        c.prepareStatement("INSERT INTO duties_audit (seq, line) VALUES (?, ?)")) {
                      s.setLong(1, seq + 1);
                      s.setString(2, Json.canonical(m));
                      s.executeUpdate();
                    }
                    return Boolean.TRUE;
                  }));
    } catch (SQLException e) {
      throw new DutyException(
          "cannot append to the duties audit in " + db.url() + ": " + db.describe(e),
          "check that the database is reachable; nothing was done without its record",
          e);
    }
  }

  @Override
  public List<Map<String, Object>> read() throws DutyException {
    List<String> lines;
    try {
      lines =
          db.read(
              c -> {
                List<String> l = new ArrayList<>();
                try (PreparedStatement s =
                        c.prepareStatement("SELECT line FROM duties_audit ORDER BY seq");
                    ResultSet r = s.executeQuery()) {
                  while (r.next()) {
                    l.add(r.getString(1));
                  }
                }
                return l;
              });
    } catch (SQLException e) {
      throw new DutyException(
          "cannot read the duties audit in " + db.url() + ": " + db.describe(e),
          "check that the database is reachable",
          e);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    String prev = "none";
    int n = 0;
    for (String line : lines) {
      n++;
      Map<String, Object> r;
      try {
        r = Json.parseObject(line);
      } catch (IOException e) {
        throw new DutyException(
            "duties audit record " + n + " in " + db.url() + " is damaged: " + e.getMessage(),
            "restore the database from a backup and report the damage");
      }
      if (!prev.equals(r.get("prev"))) {
        throw new DutyException(
            "duties audit record "
                + n
                + " in "
                + db.url()
                + ": the audit chain is broken (a record before it was removed or changed)",
            "restore the database from a backup and report the break");
      }
      prev = Digest.sha256(line).toString();
      r.remove("prev");
      out.add(r);
    }
    return out;
  }
}
