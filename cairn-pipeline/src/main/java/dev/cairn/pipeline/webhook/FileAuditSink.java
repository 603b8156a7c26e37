package dev.cairn.pipeline.webhook;

import dev.cairn.pipeline.webhook.internal.GroupCommit;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The audit as JSON lines in one file, appended and synced record by record. */
final class FileAuditSink implements AuditSink {
  private final Path file;
  private final FileChannel out;
  private final GroupCommit commits = new GroupCommit();

  private FileAuditSink(Path file, FileChannel out) {
    this.file = file;
    this.out = out;
  }

  static FileAuditSink open(Path file) throws WebhookException {
    try {
      Path abs = file.toAbsolutePath();
      Path dir = abs.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      if (!Files.exists(abs)) {
        Files.createFile(abs);
        try {
          Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not POSIX: the directory's permissions apply
        }
      }
      FileChannel c = FileChannel.open(abs, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      long size = c.size();
      if (size > 0) {
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel r = FileChannel.open(abs, StandardOpenOption.READ)) {
          r.read(last, size - 1);
        }
        if (last.get(0) != '\n') {
          c.write(ByteBuffer.wrap(new byte[] {'\n'}));
          c.force(false);
        }
      }
      return new FileAuditSink(abs, c);
    } catch (IOException e) {
      throw new WebhookException(
          "cannot append to the webhook audit " + file + ": " + e.getMessage(),
          "give an audit file this process can write",
          e);
    }
  }

  @Override
  public void record(AuditRecord record) throws IOException {
    ByteBuffer b = ByteBuffer.wrap((record.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    long seq;
    synchronized (this) {
      while (b.hasRemaining()) {
        out.write(b);
      }
      seq = commits.appended();
    }
    commits.syncTo(seq, () -> out.force(false));
  }

  @Override
  public void close() throws IOException {
    commits.exclusive(out::close);
  }

  @Override
  public String toString() {
    return "FileAuditSink[" + file + "]";
  }
}
