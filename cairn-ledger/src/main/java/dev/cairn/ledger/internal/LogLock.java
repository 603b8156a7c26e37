package dev.cairn.ledger.internal;

import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The log's {@code lock} file: one writer (an exclusive lock) or any number of readers (a shared
 * lock), across processes and within this JVM. The JDK refuses a second lock on a file this JVM
 * already locks, even a shared one, so readers in one JVM share one OS lock, counted.
 */
public final class LogLock implements AutoCloseable {
  private static final Map<Path, State> HELD = new HashMap<>();
  private static final long POLL_MILLIS = 20;

  private static final class State {
    final FileChannel channel;
    final FileLock lock;
    final boolean shared;
    int holders = 1;

    State(FileChannel channel, FileLock lock, boolean shared) {
      this.channel = channel;
      this.lock = lock;
      this.shared = shared;
    }
  }

  private final @Nullable Path key;
  private boolean released;

  private LogLock(@Nullable Path key) {
    this.key = key;
  }

  /**
   * Locks {@code dir}'s log, waiting up to {@code wait} for another holder to let go.
   *
   * @param shared a reader's lock; a reader never creates the lock file (a log without one has
   *     never been opened by a writer, and is read without a lock)
   */
  static LogLock acquire(Path dir, boolean shared, Duration wait) throws LedgerException {
    return acquire(dir, shared, wait, "the log");
  }

  /**
   * Locks {@code dir} (its {@code lock} file) as {@link #acquire(Path, boolean, Duration)} does;
   * {@code what} names what lives there in messages ({@code the witness state}).
   */
  public static LogLock acquire(Path dir, boolean shared, Duration wait, String what)
      throws LedgerException {
    Path file = dir.resolve("lock");
    if (shared && !Files.exists(file)) {
      return new LogLock(null);
    }
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      Path key = shared ? file.toRealPath() : file.toAbsolutePath().normalize();
      while (true) {
        synchronized (HELD) {
          State s = HELD.get(key);
          if (s == null) {
            FileChannel ch =
                shared
                    ? FileChannel.open(file, StandardOpenOption.READ)
                    : FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            FileLock l;
            try {
              l = ch.tryLock(0, Long.MAX_VALUE, shared);
            } catch (OverlappingFileLockException e) {
              l = null;
            }
            if (l != null) {
              HELD.put(key, new State(ch, l, shared));
              return new LogLock(key);
            }
            ch.close();
          } else if (shared && s.shared) {
            s.holders++;
            return new LogLock(key);
          }
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new LedgerException(
              what
                  + " in "
                  + dir
                  + " is in use by another process"
                  + (shared ? " that writes to it" : ""),
              "wait for it to finish");
        }
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LedgerException(
              "interrupted while waiting for " + what + " in " + dir, null, e);
        }
      }
    } catch (IOException e) {
      throw new LedgerException(
          "cannot lock " + what + " in " + dir + ": " + e.getMessage(),
          "check the directory's permissions",
          e);
    }
  }

  @Override
  public void close() {
    if (key == null || released) {
      return;
    }
    released = true;
    synchronized (HELD) {
      State s = HELD.get(key);
      if (s == null || --s.holders > 0) {
        return;
      }
      HELD.remove(key);
      try {
        s.lock.release();
      } catch (IOException e) {
        // closing the channel releases it too
      }
      try {
        s.channel.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }
}
