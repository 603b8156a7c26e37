package dev.cairn.ledger.internal;

import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The log's files: {@code entries} (records {@code [u32 length][u32 crc32c][u64 certificate key]
 * [u64 cluster key][bytes]}, the checksum covering keys and bytes; append only, fsynced), {@code
 * checkpoint} (replaced atomically) and {@code lock} (one writer, or any number of readers). On
 * open a writer cuts off a torn last record, left by a crash mid-append; a reader skips it. Damage
 * anywhere else fails.
 */
public final class EntryStore implements AutoCloseable {
  private static final int HEADER = 24;
  private static final int MAX_ENTRY = 16 << 20;

  /** Cluster key of entries that belong to no cluster (revocations). */
  public static final long NO_CLUSTER = Long.MIN_VALUE;

  private final Path dir;
  private final FileChannel entries;
  private final LogLock lock;
  private final boolean readOnly;
  private long[] offsets = new long[1024];
  private long size;
  private long end;
  private final LongMultiMap byCertificate = new LongMultiMap();

  /** Few keys with many entries each: a list per cluster, not open addressing. */
  private final java.util.HashMap<Long, long[]> byCluster = new java.util.HashMap<>();

  private EntryStore(Path dir, FileChannel entries, LogLock lock, boolean readOnly) {
    this.dir = dir;
    this.entries = entries;
    this.lock = lock;
    this.readOnly = readOnly;
  }

  /** Receives each valid record while the store recovers. */
  public interface RecordListener {
    void record(long index, byte[] data) throws LedgerException;
  }

  /**
   * Opens the store to write (creating it if needed), with the exclusive lock; waits up to {@code
   * wait} for other holders.
   */
  public static EntryStore open(Path dir, RecordListener listener, Duration wait)
      throws LedgerException {
    return open(dir, listener, wait, false);
  }

  /**
   * Opens an existing store only to read, with a shared lock (any number of readers at once):
   * nothing is created, truncated or written; a torn last record (a crash mid-append, or an append
   * under way) is left alone and not read.
   */
  public static EntryStore openReadOnly(Path dir, RecordListener listener, Duration wait)
      throws LedgerException {
    return open(dir, listener, wait, true);
  }

  private static EntryStore open(Path dir, RecordListener listener, Duration wait, boolean readOnly)
      throws LedgerException {
    LogLock lock = null;
    FileChannel ch = null;
    try {
      if (readOnly) {
        if (!Files.isDirectory(dir)) {
          throw new LedgerException("there is no log in " + dir, "restore it from a backup");
        }
        if (!Files.exists(dir.resolve("entries"))) {
          throw new LedgerException(
              "the log in " + dir + " has no entries file", "restore it from a backup");
        }
      } else {
        Files.createDirectories(dir);
      }
      lock = LogLock.acquire(dir, readOnly, wait);
      ch =
          readOnly
              ? FileChannel.open(dir.resolve("entries"), StandardOpenOption.READ)
              : FileChannel.open(
                  dir.resolve("entries"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
      EntryStore s = new EntryStore(dir, ch, lock, readOnly);
      s.recover(listener);
      return s;
    } catch (IOException e) {
      closeQuietly(ch);
      if (lock != null) {
        lock.close();
      }
      throw new LedgerException(
          "cannot open the log in " + dir + ": " + e.getMessage(),
          "check the directory's permissions",
          e);
    } catch (LedgerException | RuntimeException e) {
      closeQuietly(ch);
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  /** Whether this store was opened only to read. */
  public boolean readOnly() {
    return readOnly;
  }

  private static void closeQuietly(@org.jspecify.annotations.Nullable FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }

  private void recover(RecordListener listener) throws IOException, LedgerException {
    long fileSize = entries.size();
    long pos = 0;
    java.io.DataInputStream in =
        new java.io.DataInputStream(
            new java.io.BufferedInputStream(
                java.nio.channels.Channels.newInputStream(entries.position(0)), 1 << 20));
    while (pos < fileSize) {
      if (fileSize - pos < HEADER) {
        truncate(pos, "a torn record header");
        return;
      }
      int len = in.readInt();
      int crc = in.readInt();
      long certKey = in.readLong();
      long clusterKey = in.readLong();
      if (len < 0 || len > MAX_ENTRY) {
        throw corrupt(pos);
      }
      if (pos + HEADER + len > fileSize) {
        truncate(pos, "a torn record");
        return;
      }
      byte[] data = new byte[len];
      in.readFully(data);
      if (crc32c(certKey, clusterKey, data) != crc) {
        if (pos + HEADER + len == fileSize) {
          truncate(pos, "a torn last record");
          return;
        }
        throw corrupt(pos);
      }
      long index = size;
      addOffset(pos);
      index(index, certKey, clusterKey);
      listener.record(index, data);
      pos += HEADER + len;
    }
    end = pos;
  }

  private LedgerException corrupt(long pos) {
    return new LedgerException(
        "the log in "
            + dir
            + " is corrupt: record "
            + size
            + " at byte "
            + pos
            + " fails its checksum",
        "restore the log directory from a backup");
  }

  private void truncate(long pos, String what) throws IOException {
    if (readOnly) {
      // a reader leaves the tail alone (it may be an append under way) and does not read it
      end = pos;
      return;
    }
    // only the tail of an append that never returned is cut off: it was never acknowledged
    entries.truncate(pos);
    entries.force(true);
    end = pos;
  }

  private void readFully(ByteBuffer b, long pos) throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      int n = entries.read(b, p);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      p += n;
    }
  }

  private void addOffset(long pos) {
    if (size == offsets.length) {
      offsets = Arrays.copyOf(offsets, offsets.length * 2);
    }
    offsets[(int) size++] = pos;
  }

  static int crc32c(long certKey, long clusterKey, byte[] data) {
    CRC32C c = new CRC32C();
    c.update(ByteBuffer.allocate(16).putLong(certKey).putLong(clusterKey).array());
    c.update(data);
    return (int) c.getValue();
  }

  public long size() {
    return size;
  }

  /** Records the lookup keys of entry {@code index}. */
  private void index(long index, long certificateKey, long clusterKey) {
    byCertificate.put(certificateKey, index);
    if (clusterKey != NO_CLUSTER) {
      // element 0 holds the count
      long[] l = byCluster.getOrDefault(clusterKey, new long[8]);
      int n = (int) l[0];
      if (n + 2 > l.length) {
        l = Arrays.copyOf(l, l.length * 2);
      }
      l[n + 1] = index;
      l[0] = n + 1;
      byCluster.put(clusterKey, l);
    }
  }

  public long[] byCertificate(long key) {
    return byCertificate.get(key);
  }

  public long[] byCluster(long key) {
    long[] l = byCluster.get(key);
    return l == null ? new long[0] : Arrays.copyOfRange(l, 1, 1 + (int) l[0]);
  }

  public byte[] read(long index) throws LedgerException {
    if (index < 0 || index >= size) {
      throw new LedgerException("no entry " + index + " in a log of " + size, null);
    }
    try {
      long pos = offsets[(int) index];
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      readFully(h, pos);
      h.flip();
      byte[] data = new byte[h.getInt()];
      int crc = h.getInt();
      long certKey = h.getLong();
      long clusterKey = h.getLong();
      readFully(ByteBuffer.wrap(data), pos + HEADER);
      if (crc32c(certKey, clusterKey, data) != crc) {
        throw new LedgerException(
            "entry " + index + " of the log in " + dir + " fails its checksum",
            "restore the log from a backup");
      }
      return data;
    } catch (IOException e) {
      throw new LedgerException("cannot read the log in " + dir + ": " + e.getMessage(), null, e);
    }
  }

  /** Appends records and fsyncs them; returns the index of the first. */
  public long appendAll(List<byte[]> data, List<Long> certificateKeys, List<Long> clusterKeys)
      throws LedgerException {
    requireWritable();
    int total = 0;
    for (byte[] d : data) {
      if (d.length > MAX_ENTRY) {
        throw new LedgerException("ledger entry too large (" + d.length + " bytes)", null);
      }
      total += HEADER + d.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(total);
    for (int i = 0; i < data.size(); i++) {
      byte[] d = data.get(i);
      long ck = certificateKeys.get(i);
      long kk = clusterKeys.get(i);
      buf.putInt(d.length).putInt(crc32c(ck, kk, d)).putLong(ck).putLong(kk).put(d);
    }
    buf.flip();
    long first = size;
    long pos = end;
    try {
      while (buf.hasRemaining()) {
        pos += entries.write(buf, pos);
      }
      entries.force(false);
    } catch (IOException e) {
      try {
        entries.truncate(end);
      } catch (IOException ignored) {
        // recovery on the next open cuts a torn tail
      }
      throw new LedgerException(
          "cannot append to the log in " + dir + ": " + e.getMessage(), "check free disk space", e);
    }
    long p = end;
    for (int i = 0; i < data.size(); i++) {
      addOffset(p);
      index(first + i, certificateKeys.get(i), clusterKeys.get(i));
      p += HEADER + data.get(i).length;
    }
    end = p;
    return first;
  }

  public Optional<String> readCheckpoint() throws LedgerException {
    Path f = dir.resolve("checkpoint");
    try {
      return Files.exists(f)
          ? Optional.of(Files.readString(f, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw new LedgerException("cannot read " + f + ": " + e.getMessage(), null, e);
    }
  }

  /** Replaces the checkpoint atomically: temp file, fsync, rename, fsync the directory. */
  public void writeCheckpoint(String note) throws LedgerException {
    requireWritable();
    Path tmp = dir.resolve("checkpoint.tmp");
    try (FileChannel c =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(true);
    } catch (IOException e) {
      throw new LedgerException(
          "cannot write the checkpoint in " + dir + ": " + e.getMessage(),
          "check free disk space",
          e);
    }
    try {
      try {
        Files.move(
            tmp,
            dir.resolve("checkpoint"),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot fsync a directory; the rename itself is atomic
      }
    } catch (IOException e) {
      throw new LedgerException(
          "cannot replace the checkpoint in " + dir + ": " + e.getMessage(), null, e);
    }
  }

  private void requireWritable() {
    if (readOnly) {
      throw new IllegalStateException("the log in " + dir + " was opened only to read");
    }
  }

  @Override
  public void close() {
    closeQuietly(entries);
    lock.close();
  }
}
