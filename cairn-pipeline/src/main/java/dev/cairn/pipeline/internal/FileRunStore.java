package dev.cairn.pipeline.internal;

import dev.cairn.core.AtomicFiles;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunStore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Runs as files in a directory:
 *
 * <pre>
 * lock                   held while runs are created, recovered or deleted (by any process)
 * last-id                the highest id ever given (ids are never reused)
 * 42/run.json            the record, replaced atomically (temp file, fsync, rename, fsync dir)
 * 42/pipeline.yaml       the pipeline file it was submitted with
 * 42/lease               locked by the engine that runs it; a run nobody locks is an orphan
 * 42/cancel              present when a cancel was asked for
 * 42/logs/01-build.log   step logs, appended and fsynced when the step ends
 * </pre>
 *
 * A crash leaves a run as its last {@code run.json} said, or (before its first {@code run.json})
 * not created at all: such a directory is removed when the store is next opened.
 */
public final class FileRunStore implements RunStore {
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  /** Leases held by this JVM, by lease file: the JDK allows one lock per file per JVM. */
  private static final Set<Path> LEASED = ConcurrentHashMap.newKeySet();

  private final Path dir;

  /** Immutable keys of runs seen, by id, for the duplicate check. */
  private final Map<String, RunRecord> seen = new HashMap<>();

  private FileRunStore(Path dir) {
    this.dir = dir;
  }

  public static FileRunStore open(Path dir) throws PipelineException {
    FileRunStore s = new FileRunStore(dir.toAbsolutePath().normalize());
    try {
      Files.createDirectories(s.dir);
      s.locked(
          () -> {
            s.cleanUp();
            return Boolean.TRUE;
          });
    } catch (IOException e) {
      throw s.error("cannot open the run store in " + s.dir, e);
    }
    return s;
  }

  public Path dir() {
    return dir;
  }

  private interface IoBody<T> {
    T run() throws IOException, PipelineException;
  }

  private <T> T locked(IoBody<T> body) throws IOException, PipelineException {
    ReentrantLock l = JVM_LOCKS.computeIfAbsent(dir, k -> new ReentrantLock());
    l.lock();
    try (FileChannel ch =
            FileChannel.open(
                dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock fl = ch.lock()) {
      return body.run();
    } finally {
      l.unlock();
    }
  }

  /** Removes what a crash left: runs never created, half-deleted runs, temporary files. */
  private void cleanUp() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.startsWith(".deleted-")) {
          deleteTree(p);
        } else if (n.endsWith(".tmp")) {
          Files.deleteIfExists(p);
        } else if (isId(n) && Files.isDirectory(p)) {
          if (!Files.exists(p.resolve("run.json"))) {
            deleteTree(p);
          } else {
            try (Stream<Path> files = Files.list(p)) {
              for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".tmp")) {
                  Files.deleteIfExists(f);
                }
              }
            }
          }
        }
      }
    }
  }

  private static boolean isId(String n) {
    return !n.isEmpty() && n.length() < 19 && n.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private Path runDir(String id) throws PipelineException {
    if (!isId(id)) {
      throw new PipelineException(
          "no run '" + dev.cairn.core.Text.escape(id) + "': run ids are numbers",
          "list the runs to see their ids");
    }
    return dir.resolve(id);
  }

  private List<String> ids() throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (isId(n) && Files.isRegularFile(p.resolve("run.json"))) {
          out.add(n);
        }
      }
    }
    out.sort(Comparator.comparingLong(Long::parseLong));
    return out;
  }

  @Override
  public Created create(RunRecord run, String definitionText) throws PipelineException {
    try {
      return locked(
          () -> {
            for (String id : ids()) {
              RunRecord known = seen.get(id);
              if (known == null) {
                Optional<RunRecord> r = read(id);
                if (r.isEmpty()) {
                  continue;
                }
                known = r.get();
                seen.put(id, known);
              }
              if (run.duplicates(known)) {
                // keys never change; the state does: look again
                Optional<RunRecord> now = read(id);
                if (now.isPresent() && run.duplicates(now.get())) {
                  return new Created(now.get(), true, null);
                }
              }
            }
            long last = 0;
            Path lastFile = dir.resolve("last-id");
            if (Files.exists(lastFile)) {
              last = Long.parseLong(Files.readString(lastFile).strip());
            }
            List<String> ids = ids();
            if (!ids.isEmpty()) {
              last = Math.max(last, Long.parseLong(ids.get(ids.size() - 1)));
            }
            String id = Long.toString(last + 1);
            AtomicFiles.write(lastFile, id + "\n");
            Path d = dir.resolve(id);
            Files.createDirectories(d.resolve("logs"));
            AtomicFiles.write(d.resolve("pipeline.yaml"), definitionText);
            Lease lease = lease(d);
            try {
              RunRecord created = run.withId(id);
              writeRecord(d, created);
              seen.put(id, created);
              return new Created(created, false, lease);
            } catch (IOException | RuntimeException e) {
              lease.close();
              throw e;
            }
          });
    } catch (IOException e) {
      throw error("cannot create a run in " + dir, e);
    }
  }

  private Lease lease(Path runDir) throws IOException {
    Path f = runDir.resolve("lease");
    FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      ch.close();
      throw new IOException("run " + runDir.getFileName() + " is leased by another engine");
    }
    LEASED.add(f);
    FileLock held = l;
    return new Lease() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (closed) {
          return;
        }
        closed = true;
        try {
          held.release();
          ch.close();
        } catch (IOException e) {
          // closing the channel releases the lock
        } finally {
          LEASED.remove(f);
        }
      }
    };
  }

  private boolean leased(Path runDir) throws IOException {
    Path f = runDir.resolve("lease");
    if (LEASED.contains(f)) {
      return true;
    }
    if (!Files.exists(f)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        return true;
      }
      l.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private void writeRecord(Path runDir, RunRecord r) throws IOException {
    AtomicFiles.write(runDir.resolve("run.json"), RunJson.write(r));
    fsyncDir(runDir);
  }

  private static void fsyncDir(Path d) {
    try (FileChannel c = FileChannel.open(d, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      // some file systems cannot fsync a directory; the rename itself is atomic
    }
  }

  @Override
  public void update(RunRecord run) throws PipelineException {
    Path d = runDir(run.id());
    if (!Files.isDirectory(d)) {
      throw new PipelineException("no run " + run.id() + " in " + dir, null);
    }
    try {
      writeRecord(d, run);
    } catch (IOException e) {
      throw error("cannot write run " + run.id(), e);
    }
  }

  private Optional<RunRecord> read(String id) throws IOException, PipelineException {
    Path f = runDir(id).resolve("run.json");
    String text;
    try {
      text = Files.readString(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(RunJson.read(text));
    } catch (IOException e) {
      throw new PipelineException(
          "the record of run " + id + " in " + dir + " is damaged: " + e.getMessage(),
          "restore the run store from a backup, or delete that run's directory");
    }
  }

  @Override
  public Optional<RunRecord> get(String id) throws PipelineException {
    try {
      return read(id);
    } catch (IOException e) {
      throw error("cannot read run " + id, e);
    }
  }

  @Override
  public List<RunRecord> list() throws PipelineException {
    try {
      List<RunRecord> out = new ArrayList<>();
      List<String> ids = ids();
      for (int i = ids.size() - 1; i >= 0; i--) {
        read(ids.get(i)).ifPresent(out::add);
      }
      return out;
    } catch (IOException e) {
      throw error("cannot list the runs in " + dir, e);
    }
  }

  @Override
  public Optional<String> definitionText(String id) throws PipelineException {
    Path f = runDir(id).resolve("pipeline.yaml");
    try {
      return Files.exists(f) ? Optional.of(Files.readString(f)) : Optional.empty();
    } catch (IOException e) {
      throw error("cannot read the pipeline of run " + id, e);
    }
  }

  @Override
  public void delete(String id) throws PipelineException {
    Path d = runDir(id);
    try {
      locked(
          () -> {
            if (!Files.isDirectory(d)) {
              return Boolean.TRUE;
            }
            if (leased(d)) {
              throw new PipelineException(
                  "run " + id + " is still held by its engine", "cancel it first");
            }
            Path gone = dir.resolve(".deleted-" + id);
            Files.move(d, gone, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(dir);
            seen.remove(id);
            deleteTree(gone);
            return Boolean.TRUE;
          });
    } catch (IOException e) {
      throw error("cannot delete run " + id, e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  private Path logFile(String id, String logName) throws PipelineException {
    if (!logName.matches("[0-9]{2}-[a-z0-9][a-z0-9._-]*\\.log") || logName.contains("..")) {
      throw new PipelineException(
          "not a step log name: " + dev.cairn.core.Text.escape(logName), null);
    }
    return runDir(id).resolve("logs").resolve(logName);
  }

  @Override
  public OutputStream appendLog(String id, String logName) throws PipelineException {
    Path f = logFile(id, logName);
    try {
      Files.createDirectories(java.util.Objects.requireNonNull(f.getParent()));
      FileOutputStream out = new FileOutputStream(f.toFile(), true);
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          try {
            out.getFD().sync();
          } finally {
            out.close();
          }
        }
      };
    } catch (IOException e) {
      throw error("cannot open the log " + logName + " of run " + id, e);
    }
  }

  @Override
  public byte[] readLog(String id, String logName, long offset, int max) throws PipelineException {
    Path f = logFile(id, logName);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      long size = ch.size();
      if (offset >= size) {
        return new byte[0];
      }
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(max, size - offset));
      long pos = offset;
      while (b.hasRemaining()) {
        int n = ch.read(b, pos);
        if (n < 0) {
          break;
        }
        pos += n;
      }
      return java.util.Arrays.copyOf(b.array(), b.position());
    } catch (NoSuchFileException e) {
      return new byte[0];
    } catch (IOException e) {
      throw error("cannot read the log " + logName + " of run " + id, e);
    }
  }

  @Override
  public void requestCancel(String id) throws PipelineException {
    Path d = runDir(id);
    if (!Files.isRegularFile(d.resolve("run.json"))) {
      throw new PipelineException("no run " + id, "list the runs to see their ids");
    }
    try {
      AtomicFiles.write(d.resolve("cancel"), "cancel requested at " + Instant.now() + "\n");
    } catch (IOException e) {
      throw error("cannot ask run " + id + " to cancel", e);
    }
  }

  @Override
  public boolean cancelRequested(String id) throws PipelineException {
    return Files.exists(runDir(id).resolve("cancel"));
  }

  @Override
  public List<RunRecord> interruptOrphans(Instant now) throws PipelineException {
    try {
      return locked(
          () -> {
            List<RunRecord> out = new ArrayList<>();
            for (String id : ids()) {
              Optional<RunRecord> r = read(id);
              if (r.isEmpty() || r.get().state().finished()) {
                continue;
              }
              Path d = dir.resolve(id);
              if (leased(d)) {
                continue;
              }
              // its engine may have finished it between the read and the lease check
              Optional<RunRecord> again = read(id);
              if (again.isEmpty() || again.get().state().finished()) {
                continue;
              }
              RunRecord i = again.get().interrupted(now);
              writeRecord(d, i);
              out.add(i);
            }
            return out;
          });
    } catch (IOException e) {
      throw error("cannot recover the runs in " + dir, e);
    }
  }

  private PipelineException error(String what, Exception e) {
    return new PipelineException(
        what
            + ": "
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
        "check the directory's permissions and free disk space",
        null,
        e);
  }

  @Override
  public void close() {
    // nothing held: leases belong to the engine that took them
  }
}
