package dev.cairn.server.store.internal;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Who holds run leases, and whether they are still alive. An owner is one open run store. On
 * PostgreSQL an owner holds a session advisory lock ({@code pg_advisory_lock(CLASS, id)}) on a
 * connection of its own for as long as it is open: when its process dies, the server drops the
 * session and the lock with it, so any other process sees at once that the owner is gone. Embedded
 * H2 is opened by one process only, so there the owners alive are those of this JVM.
 */
public final class Owners {
  /** The first key of Cairn's advisory locks ("CAIR"). */
  public static final int LOCK_CLASS = 0x43414952;

  private static final Set<Long> LOCAL = ConcurrentHashMap.newKeySet();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Owners() {}

  /** A live owner: closing it lets its leases go. */
  public static final class Owner implements AutoCloseable {
    private final long id;
    private final @Nullable Connection session;

    Owner(long id, @Nullable Connection session) {
      this.id = id;
      this.session = session;
    }

    public long id() {
      return id;
    }

    /** Whether this owner still holds its lock (its session may have been cut). */
    public boolean valid() {
      try {
        return session == null ? LOCAL.contains(id) : session.isValid(5);
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void close() {
      LOCAL.remove(id);
      if (session != null) {
        try {
          session.close();
        } catch (SQLException e) {
          // closing the session releases its advisory lock
        }
      }
    }
  }

  /** A new owner in this JVM (embedded H2). */
  public static Owner local() {
    while (true) {
      long id = RANDOM.nextInt() & 0x7fffffffL;
      if (LOCAL.add(id)) {
        return new Owner(id, null);
      }
    }
  }

  /** A new owner whose liveness is an advisory lock held on {@code session} (PostgreSQL). */
  public static Owner advisory(Connection session) throws SQLException {
    session.setAutoCommit(true);
    for (int i = 0; i < 100; i++) {
      int id = RANDOM.nextInt() & 0x7fffffff;
      try (PreparedStatement s = session.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
        s.setInt(1, LOCK_CLASS);
        s.setInt(2, id);
        try (ResultSet r = s.executeQuery()) {
          if (r.next() && r.getBoolean(1)) {
            return new Owner(id, session);
          }
        }
      }
    }
    throw new SQLException("no free advisory lock for a run store owner", "55P03");
  }

  /** Whether {@code owner} is alive, asked on {@code c}. */
  public static boolean alive(Connection c, boolean postgres, long owner) throws SQLException {
    if (!postgres) {
      return LOCAL.contains(owner);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = ?"
                + " AND objid = ? AND objsubid = 2 AND granted")) {
      // pg_locks shows the two keys as oids (unsigned 32-bit)
      s.setLong(1, LOCK_CLASS & 0xffffffffL);
      s.setLong(2, owner & 0xffffffffL);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getLong(1) > 0;
      }
    }
  }
}
