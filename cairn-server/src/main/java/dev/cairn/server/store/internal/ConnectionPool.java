package dev.cairn.server.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A small bounded pool of JDBC connections: at most {@code max} in use, idle ones kept for reuse
 * and checked before they are given out again. No pool library: the stores need no more.
 */
public final class ConnectionPool implements AutoCloseable {
  /** Opens a new connection. */
  @FunctionalInterface
  public interface Opener {
    Connection open() throws SQLException;
  }

  private final Opener opener;
  private final Semaphore permits;
  private final int max;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  public ConnectionPool(Opener opener, int max) {
    this.opener = opener;
    this.max = max;
    this.permits = new Semaphore(max, true);
  }

  /** A connection in auto-commit mode; give it back with {@link #release}. */
  public Connection borrow() throws SQLException {
    try {
      if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new SQLException(
            "all " + max + " database connections stayed busy for 30 s", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a database connection", "08001", e);
    }
    try {
      while (true) {
        @Nullable Connection c;
        synchronized (this) {
          if (closed) {
            throw new SQLException("the database is closed", "08003");
          }
          c = idle.pollFirst();
        }
        if (c == null) {
          return opener.open();
        }
        if (c.isValid(5)) {
          return c;
        }
        closeQuietly(c);
      }
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /** Takes {@code c} back; a connection that failed is closed instead of kept. */
  public void release(Connection c, boolean broken) {
    try {
      boolean keep = !broken && !c.isClosed();
      if (keep) {
        if (!c.getAutoCommit()) {
          c.rollback();
          c.setAutoCommit(true);
        }
        synchronized (this) {
          if (!closed) {
            idle.addFirst(c);
            return;
          }
        }
      }
      closeQuietly(c);
    } catch (SQLException e) {
      closeQuietly(c);
    } finally {
      permits.release();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // a connection that cannot be closed is gone already
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      for (Connection c : idle) {
        closeQuietly(c);
      }
      idle.clear();
    }
  }
}
