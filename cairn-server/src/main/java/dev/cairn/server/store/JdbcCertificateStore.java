package dev.cairn.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Certificates as rows, each written whole in one statement. */
final class JdbcCertificateStore implements CertificateStore {
  private static final String COLUMNS =
      "id, cluster_identity, issued_at, expires_at, status, revoked_at, revoke_reason,"
          + " certificate, proof_locator";

  private final Database db;

  JdbcCertificateStore(Database db) {
    this.db = db;
  }

  private StoreException error(String what, SQLException e) {
    return new StoreException(
        what + " in " + db.url() + ": " + db.describe(e),
        "check that the database is reachable",
        e);
  }

  private static @Nullable OffsetDateTime at(@Nullable Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  @Override
  public void add(StoredCertificate c) throws StoreException {
    try {
      db.read(
          conn -> {
            try (PreparedStatement s =
                conn.prepareStatement(
                    "INSERT INTO certificates ("
                        + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              s.setString(1, c.id());
              s.setString(2, c.clusterIdentity());
              s.setObject(3, at(c.issuedAt()));
              s.setObject(4, at(c.expiresAt()));
              s.setString(5, c.status().name());
              s.setObject(6, at(c.revokedAt()));
              s.setString(7, c.revokeReason());
              s.setString(8, c.certificateJson());
              s.setString(9, c.proofLocator());
              return s.executeUpdate();
            }
          });
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new StoreException(
            "a certificate with id " + c.id() + " is stored already",
            "give each issued certificate its own id",
            e);
      }
      throw error("cannot add certificate " + c.id(), e);
    }
  }

  private List<StoredCertificate> query(String where, Object... args) throws SQLException {
    return db.read(
        conn -> {
          List<StoredCertificate> out = new ArrayList<>();
          try (PreparedStatement s =
              conn.prepareStatement("SELECT " + COLUMNS + " FROM certificates " + where)) {
            for (int i = 0; i < args.length; i++) {
              s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                OffsetDateTime revoked = r.getObject(6, OffsetDateTime.class);
                out.add(
                    new StoredCertificate(
                        r.getString(1),
                        r.getString(2),
                        r.getObject(3, OffsetDateTime.class).toInstant(),
                        r.getObject(4, OffsetDateTime.class).toInstant(),
                        Status.valueOf(r.getString(5)),
                        revoked == null ? null : revoked.toInstant(),
                        r.getString(7),
                        r.getString(8),
                        r.getString(9)));
              }
            }
          }
          return out;
        });
  }

  @Override
  public Optional<StoredCertificate> get(String id) throws StoreException {
    try {
      return query("WHERE id = ?", id).stream().findFirst();
    } catch (SQLException e) {
      throw error("cannot read certificate " + id, e);
    }
  }

  @Override
  public List<StoredCertificate> forCluster(String clusterIdentity) throws StoreException {
    try {
      return query("WHERE cluster_identity = ? ORDER BY issued_at DESC, id", clusterIdentity);
    } catch (SQLException e) {
      throw error("cannot read the certificates of " + clusterIdentity, e);
    }
  }

  @Override
  public List<StoredCertificate> expiringBefore(Instant before) throws StoreException {
    try {
      return query(
          "WHERE status = 'VALID' AND expires_at < ? ORDER BY expires_at, id",
          before.atOffset(ZoneOffset.UTC));
    } catch (SQLException e) {
      throw error("cannot read the certificates expiring before " + before, e);
    }
  }

  @Override
  public StoredCertificate revoke(String id, Instant at, String reason) throws StoreException {
    try {
      db.read(
          conn -> {
            try (PreparedStatement s =
                conn.prepareStatement(
                    "UPDATE certificates SET status = 'REVOKED', revoked_at = ?, revoke_reason = ?"
                        + " WHERE id = ? AND status = 'VALID'")) {
              s.setObject(1, at(at));
              s.setString(2, reason);
              s.setString(3, id);
              return s.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw error("cannot revoke certificate " + id, e);
    }
    return get(id)
        .orElseThrow(
            () ->
                new StoreException(
                    "no certificate " + id + " to revoke", "list a cluster's certificates"));
  }
}
