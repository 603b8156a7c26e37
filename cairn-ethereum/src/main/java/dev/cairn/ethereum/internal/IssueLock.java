package dev.cairn.ethereum.internal;

import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One issuing transaction at a time per registry on a machine: an exclusive lock on a file in
 * Cairn's home (other processes) and on a lock of this JVM (other threads, which a file lock does
 * not exclude). Concurrent issuers would otherwise read the same pending nonce and replace each
 * other's transaction.
 */
public final class IssueLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private final ReentrantLock inJvm;
  private final FileChannel channel;
  private final FileLock lock;

  private IssueLock(ReentrantLock inJvm, FileChannel channel, FileLock lock) {
    this.inJvm = inJvm;
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits for the lock on {@code file} (created with its directory if missing). */
  public static IssueLock acquire(Path file) throws LedgerException {
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock inJvm = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    try {
      inJvm.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted waiting for the issuing lock " + key, null, e);
    }
    FileChannel ch = null;
    try {
      Path dir = key.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new IssueLock(inJvm, ch, ch.lock());
    } catch (IOException e) {
      closeQuietly(ch);
      inJvm.unlock();
      if (e instanceof ClosedByInterruptException) {
        Thread.currentThread().interrupt();
        throw new LedgerException("interrupted waiting for the issuing lock " + key, null, e);
      }
      throw new LedgerException(
          "cannot lock " + key + ": " + e.getMessage(), "check that Cairn's home is writable", e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      inJvm.unlock();
      throw e;
    }
  }

  private static void closeQuietly(java.nio.channels.@org.jspecify.annotations.Nullable Channel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing held yet
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    } finally {
      closeQuietly(channel);
      inJvm.unlock();
    }
  }
}
