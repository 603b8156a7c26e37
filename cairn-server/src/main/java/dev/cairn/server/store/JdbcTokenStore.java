package dev.cairn.server.store;

import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.store.internal.Pbkdf2;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API tokens: {@code cairn_<16 hex id>_<43 base64url secret>} (256 random bits). Only the PBKDF2
 * hash of the secret part is stored. A token verified once is remembered by the SHA-256 of the
 * whole token (not the token) so that later requests skip the 600,000 iterations; its row is still
 * read every time, so a revocation holds at once, in every process.
 */
final class JdbcTokenStore implements TokenStore {
  private static final Pattern TOKEN = Pattern.compile("cairn_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] DUMMY_SALT = Pbkdf2.salt();

  private final Database db;
  private final Clock clock;
  private final Map<String, String> verified = new ConcurrentHashMap<>();

  JdbcTokenStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  private StoreException error(String what, SQLException e) {
    return new StoreException(
        what + " in " + db.url() + ": " + db.describe(e),
        "check that the database is reachable",
        e);
  }

  @Override
  public Issued create(String name, Duty duty) throws StoreException {
    if (!ApiToken.validName(name)) {
      throw new StoreException(
          "not a token name: '" + dev.cairn.core.Text.escape(name) + "'",
          "use letters, digits, '.', '_', '-' and spaces, at most 100");
    }
    byte[] idBytes = new byte[8];
    RANDOM.nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(secretBytes);
    String secretPart =
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Arrays.fill(secretBytes, (byte) 0);
    byte[] salt = Pbkdf2.salt();
    byte[] hash = Pbkdf2.hash(secretPart.toCharArray(), salt, Pbkdf2.ITERATIONS);
    ApiToken token =
        new ApiToken(
            id,
            name,
            duty,
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
            null);
    try {
      db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO api_tokens (id, name, duty, salt, iterations, hash, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
              s.setString(1, id);
              s.setString(2, name);
              s.setString(3, duty.title());
              s.setBytes(4, salt);
              s.setInt(5, Pbkdf2.ITERATIONS);
              s.setBytes(6, hash);
              s.setObject(7, token.createdAt().atOffset(ZoneOffset.UTC));
              return s.executeUpdate();
            }
          });
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new StoreException(
            "a token named '" + name + "' exists already",
            "revoke it first, or choose another name");
      }
      throw error("cannot create token " + name, e);
    }
    return new Issued(token, Secret.ofUtf8("cairn_" + id + "_" + secretPart));
  }

  private record Row(ApiToken token, byte[] salt, int iterations, byte[] hash) {}

  private Optional<Row> row(String id) throws SQLException {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, name, duty, created_at, revoked_at, salt, iterations, hash"
                      + " FROM api_tokens WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                return Optional.<Row>empty();
              }
              return Optional.of(new Row(token(r), r.getBytes(6), r.getInt(7), r.getBytes(8)));
            }
          }
        });
  }

  private static ApiToken token(ResultSet r) throws SQLException {
    OffsetDateTime revoked = r.getObject(5, OffsetDateTime.class);
    return new ApiToken(
        r.getString(1),
        r.getString(2),
        Duty.parse(r.getString(3)).orElseThrow(() -> new SQLException("unknown duty")),
        r.getObject(4, OffsetDateTime.class).toInstant(),
        revoked == null ? null : revoked.toInstant());
  }

  @Override
  public Optional<ApiToken> authenticate(Secret presented) throws StoreException {
    byte[] raw = presented.bytes();
    try {
      CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw));
      Matcher m = TOKEN.matcher(chars);
      if (!m.matches()) {
        // the same work as for a token of the right form
        Pbkdf2.hash("x".toCharArray(), DUMMY_SALT, Pbkdf2.ITERATIONS);
        return Optional.empty();
      }
      String id = m.group(1);
      char[] secretPart = m.group(2).toCharArray();
      String cacheKey = Digest.sha256(raw).hex();
      Optional<Row> found = row(id);
      if (found.isEmpty()) {
        Pbkdf2.hash(secretPart, DUMMY_SALT, Pbkdf2.ITERATIONS);
        return Optional.empty();
      }
      Row row = found.get();
      boolean ok;
      String known = verified.get(cacheKey);
      if (known != null && known.equals(HexFormat.of().formatHex(row.hash()))) {
        ok = true;
        Arrays.fill(secretPart, '\0');
      } else {
        ok = Pbkdf2.same(Pbkdf2.hash(secretPart, row.salt(), row.iterations()), row.hash());
        if (ok) {
          if (verified.size() > 10_000) {
            verified.clear();
          }
          verified.put(cacheKey, HexFormat.of().formatHex(row.hash()));
        }
      }
      if (!ok || row.token().revokedAt() != null) {
        return Optional.empty();
      }
      return Optional.of(row.token());
    } catch (SQLException e) {
      throw error("cannot check a token", e);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  @Override
  public List<ApiToken> list() throws StoreException {
    try {
      return db.read(
          c -> {
            List<ApiToken> out = new ArrayList<>();
            try (PreparedStatement s =
                    c.prepareStatement(
                        "SELECT id, name, duty, created_at, revoked_at FROM api_tokens"
                            + " ORDER BY name");
                ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(token(r));
              }
            }
            return out;
          });
    } catch (SQLException e) {
      throw error("cannot list the tokens", e);
    }
  }

  @Override
  public boolean revoke(String name) throws StoreException {
    try {
      return db.read(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement(
                        "UPDATE api_tokens SET revoked_at = ? WHERE name = ?"
                            + " AND revoked_at IS NULL")) {
                  s.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
                  s.setString(2, name);
                  return s.executeUpdate();
                }
              })
          > 0;
    } catch (SQLException e) {
      throw error("cannot revoke token " + name, e);
    }
  }
}
