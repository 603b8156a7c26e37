package dev.cairn.server.store;

import dev.cairn.pipeline.webhook.AuditRecord;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Webhook audit records as rows, each committed before {@link #record} returns. */
final class JdbcWebhookAudit implements WebhookAudit {
  private final Database db;

  JdbcWebhookAudit(Database db) {
    this.db = db;
  }

  @Override
  public void record(AuditRecord record) throws IOException {
    try {
      db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO webhook_audit (recorded_at, outcome, record) VALUES (?, ?, ?)")) {
              s.setObject(1, record.at().atOffset(ZoneOffset.UTC));
              s.setString(2, record.outcome());
              s.setString(3, record.toJson());
              return s.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw new IOException(
          "cannot record to the webhook audit in " + db.url() + ": " + db.describe(e), e);
    }
  }

  @Override
  public List<String> recent(int max) throws IOException {
    try {
      List<String> out =
          db.read(
              c -> {
                List<String> l = new ArrayList<>();
                try (PreparedStatement s =
                    c.prepareStatement(
                        "SELECT record FROM webhook_audit ORDER BY seq DESC FETCH FIRST ? ROWS ONLY")) {
                  s.setInt(1, Math.max(0, max));
                  try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                      l.add(r.getString(1));
                    }
                  }
                }
                return l;
              });
      Collections.reverse(out);
      return out;
    } catch (SQLException e) {
      throw new IOException(
          "cannot read the webhook audit in " + db.url() + ": " + db.describe(e), e);
    }
  }

  @Override
  public void close() {
    // the database belongs to whoever opened it
  }
}
