package dev.cairn.deploy.duties;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The duties audit log in a file: one JSON record a line, append-only, each naming the digest of
 * the line before it ({@code prev}), so a removed or edited record breaks the chain. Crash-safe: a
 * record is written in one write and synced before {@link #append} returns; a line torn by a crash
 * (no newline) is cut off before the next append, and {@link #read} ignores it.
 */
public final class FileAuditLog implements AuditLog {
  /** One lock a file per JVM: the JDK refuses a second file lock on one file in one JVM. */
  private static final java.util.concurrent.ConcurrentMap<Path, Object> JVM_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Path file;
  private final Object jvmLock;

  private FileAuditLog(Path file) {
    this.file = file;
    this.jvmLock = JVM_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Object());
  }

  static FileAuditLog in(CairnHome home) {
    return new FileAuditLog(home.dir("duties").resolve("audit.jsonl"));
  }

  static FileAuditLog at(Path file) {
    return new FileAuditLog(file);
  }

  public Path file() {
    return file;
  }

  @Override
  public String where() {
    return file.toString();
  }

  /** Appends {@code record} (with {@code prev} added) and syncs it to disk. */
  @Override
  public void append(Map<String, Object> record) throws DutyException {
    synchronized (jvmLock) {
      appendLocked(record);
    }
  }

  private void appendLocked(Map<String, Object> record) throws DutyException {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel c =
              FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
          FileLock lock = c.lock()) {
        byte[] all = new byte[(int) c.size()];
        ByteBuffer in = ByteBuffer.wrap(all);
        while (in.hasRemaining() && c.read(in, in.position()) > 0) {}
        int end = all.length;
        while (end > 0 && all[end - 1] != '\n') {
          end--;
        }
        if (end < all.length) {
          c.truncate(end);
        }
        int start = end - 1;
        while (start > 0 && all[start - 1] != '\n') {
          start--;
        }
        String prev =
            end == 0
                ? "none"
                : Digest.sha256(java.util.Arrays.copyOfRange(all, Math.max(start, 0), end - 1))
                    .toString();
        Map<String, Object> r = new LinkedHashMap<>(record);
        r.put("prev", prev);
        ByteBuffer out =
            ByteBuffer.wrap((Json.canonical(r) + "\n").getBytes(StandardCharsets.UTF_8));
        long pos = end;
        while (out.hasRemaining()) {
          pos += c.write(out, pos);
        }
        c.force(true);
      }
    } catch (IOException e) {
      throw new DutyException(
          "cannot append to the audit log " + file + ": " + e.getMessage(),
          "check that Cairn's home is writable; nothing was done without its record",
          e);
    }
  }

  /** Every complete record, after checking the chain; a break names the line. */
  @Override
  public List<Map<String, Object>> read() throws DutyException {
    List<Map<String, Object>> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      String text = Files.readString(file);
      String prev = "none";
      int lineNo = 0;
      int at = 0;
      while (true) {
        int nl = text.indexOf('\n', at);
        if (nl < 0) {
          break; // a torn last line: never completed, never counted
        }
        lineNo++;
        String line = text.substring(at, nl);
        Map<String, Object> r = Json.parseObject(line);
        if (!prev.equals(r.get("prev"))) {
          throw new DutyException(
              file
                  + ":"
                  + lineNo
                  + ": the audit chain is broken (a record before it was removed or changed)",
              "restore the audit log from a backup and report the break");
        }
        prev = Digest.sha256(line).toString();
        r.remove("prev");
        out.add(r);
        at = nl + 1;
      }
      return out;
    } catch (IOException e) {
      throw new DutyException(
          "cannot read the audit log " + file + ": " + e.getMessage(),
          "restore the audit log from a backup",
          e);
    }
  }
}
