package dev.cairn.pipeline.webhook;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Fix;
import dev.cairn.pipeline.webhook.internal.GroupCommit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code deliveries.log}: lines {@code + <epoch-ms> <source> <id> <body-sha256>} (recorded) and
 * {@code - ...} (forgotten), appended and synced one at a time. On open, a last line without its
 * newline (a crash mid-write) is cut off, everything else must parse (else the store refuses to
 * open: replay protection fails closed), and the file is compacted to what the retention keeps.
 */
final class FileDeliveryStore implements DeliveryStore {
  static final String FILE = "deliveries.log";
  static final String LOCK = "deliveries.lock";

  private final Path file;
  private final Retention retention;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final LinkedHashMap<String, Delivery> byKey = new LinkedHashMap<>();
  private final Map<String, String> byBody = new HashMap<>();
  private final GroupCommit commits = new GroupCommit();
  private volatile FileChannel out;
  private long linesInFile;

  private FileDeliveryStore(
      Path file, Retention retention, Clock clock, FileChannel lockChannel, FileLock lock) {
    this.file = file;
    this.retention = retention;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.out = lockChannel; // replaced in open()
  }

  static FileDeliveryStore open(Path dir, Retention retention, Clock clock)
      throws WebhookException {
    FileChannel lc;
    FileLock lock;
    try {
      Files.createDirectories(dir);
      lc = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new WebhookException(
          "cannot use " + dir + " for webhook deliveries: " + e.getMessage(),
          "give a directory this process can write",
          e);
    }
    try {
      lock = lc.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      closeQuietly(lc);
      throw new WebhookException(
          dir.resolve(FILE) + " is in use by another webhook listener",
          "stop the other listener, or give this one its own state directory",
          Fix.of("webhook.store.locked", "path", dir.toString()));
    }
    FileDeliveryStore s = new FileDeliveryStore(dir.resolve(FILE), retention, clock, lc, lock);
    try {
      s.load();
      s.compact();
    } catch (WebhookException e) {
      s.releaseLock();
      throw e;
    } catch (IOException e) {
      s.releaseLock();
      throw new WebhookException(
          "cannot read " + s.file + ": " + e.getMessage(), "check the file's permissions", e);
    }
    return s;
  }

  private void load() throws IOException, WebhookException {
    if (!Files.exists(file)) {
      return;
    }
    byte[] all = Files.readAllBytes(file);
    int end = all.length;
    while (end > 0 && all[end - 1] != '\n') {
      end--;
    }
    if (end < all.length) {
      // a torn last line: a crash while it was written; it never counted, so it goes
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(end);
        c.force(true);
      }
    }
    String text = new String(all, 0, end, StandardCharsets.UTF_8);
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ", -1);
      Delivery d;
      try {
        if (f.length != 5 || !(f[0].equals("+") || f[0].equals("-"))) {
          throw new IllegalArgumentException("not a delivery line");
        }
        SourceKind k =
            SourceKind.byId(f[2]).orElseThrow(() -> new IllegalArgumentException("unknown forge"));
        d = new Delivery(k, f[3], f[4], Instant.ofEpochMilli(Long.parseLong(f[1])));
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        throw new WebhookException(
            file + ":" + lineNo + ": a damaged delivery record (" + e.getMessage() + ")",
            "restore the file from a backup; deleting it forgets every delivery, so old ones"
                + " could be replayed",
            Fix.of("webhook.store.damaged", "path", file.toString(), "line", "" + lineNo));
      }
      if (f[0].equals("+")) {
        put(d);
      } else {
        remove(d);
      }
    }
  }

  private void put(Delivery d) {
    String key = key(d);
    byKey.remove(key);
    byKey.put(key, d);
    byBody.put(d.bodySha256(), key);
  }

  private void remove(Delivery d) {
    String key = key(d);
    Delivery old = byKey.remove(key);
    if (old != null) {
      byBody.remove(old.bodySha256(), key);
    }
  }

  private static String key(Delivery d) {
    return d.source().id() + " " + d.id();
  }

  private void prune() {
    Instant oldest = clock.instant().minus(retention.maxAge());
    Iterator<Map.Entry<String, Delivery>> it = byKey.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Delivery> e = it.next();
      if (byKey.size() <= retention.maxEntries() && !e.getValue().receivedAt().isBefore(oldest)) {
        break;
      }
      it.remove();
      byBody.remove(e.getValue().bodySha256(), e.getKey());
    }
  }

  /** Rewrites the file as what is remembered now (atomically), then appends to it. */
  private void compact() throws IOException {
    prune();
    StringBuilder b = new StringBuilder();
    for (Delivery d : byKey.values()) {
      b.append(line('+', d));
    }
    commits.exclusive(
        () -> {
          if (out != lockChannel) {
            out.close();
          }
          AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8), false);
          out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        });
    linesInFile = byKey.size();
  }

  private static String line(char op, Delivery d) {
    return op
        + " "
        + d.receivedAt().toEpochMilli()
        + " "
        + d.source().id()
        + " "
        + d.id()
        + " "
        + d.bodySha256()
        + "\n";
  }

  /** Writes one line; the caller syncs it with {@link #sync} outside the lock. */
  private long append(char op, Delivery d) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(line(op, d).getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      out.write(buf);
    }
    linesInFile++;
    return commits.appended();
  }

  private void sync(long seq) throws IOException {
    commits.syncTo(seq, () -> out.force(false));
  }

  @Override
  public boolean recordIfNew(Delivery d) throws IOException {
    Pending p = recordIfNewLater(d);
    if (p == null) {
      return false;
    }
    p.sync();
    return true;
  }

  @Override
  public @Nullable Pending recordIfNewLater(Delivery d) throws IOException {
    long seq;
    synchronized (this) {
      ensureOpen();
      prune();
      if (byKey.containsKey(key(d)) || byBody.containsKey(d.bodySha256())) {
        return null;
      }
      seq = append('+', d);
      put(d);
      prune();
      if (linesInFile > Math.max(1024, 2L * byKey.size())) {
        compact();
      }
    }
    return () -> {
      try {
        sync(seq);
      } catch (IOException e) {
        synchronized (this) {
          remove(d);
        }
        throw e;
      }
    };
  }

  @Override
  public void forget(Delivery d) throws IOException {
    long seq;
    synchronized (this) {
      ensureOpen();
      if (!byKey.containsKey(key(d))) {
        return;
      }
      seq = append('-', d);
      remove(d);
    }
    sync(seq);
  }

  @Override
  public synchronized int size() {
    return byKey.size();
  }

  private void ensureOpen() throws IOException {
    if (!lock.isValid()) {
      throw new IOException("the delivery store is closed");
    }
  }

  @Override
  public synchronized void close() throws IOException {
    commits.exclusive(
        () -> {
          if (out != lockChannel) {
            out.force(false);
            out.close();
          }
        });
    releaseLock();
  }

  private void releaseLock() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // the channel's close below releases it too
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing more to do: the lock goes with the process
    }
  }

  @Override
  public String toString() {
    return "FileDeliveryStore[" + file + "]";
  }
}
