package dev.cairn.server.store;

import dev.cairn.core.Digest;
import dev.cairn.core.Text;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunStore;
import dev.cairn.server.store.internal.Owners;
import dev.cairn.server.store.internal.Owners.Owner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs in the database: each record is the same JSON as the file store's {@code run.json}, written
 * in one transaction; creation takes the {@code runs} counter's row lock, so the duplicate check
 * and the new id are atomic across every process that shares the database. Leases are rows naming
 * this store's {@link Owners owner}; a lease whose owner is gone is an orphan's.
 */
final class JdbcRunStore implements RunStore {
  private static final Pattern LOG_NAME = Pattern.compile("[0-9]{2}-[a-z0-9][a-z0-9._-]*\\.log");
  private static final int CHUNK = 64 * 1024;
  private static final long FLUSH_NANOS = 200_000_000L;

  private final Database db;
  private final boolean postgres;
  private @Nullable Owner owner;

  JdbcRunStore(Database db) {
    this.db = db;
    this.postgres = db.kind() == Database.Kind.POSTGRESQL;
  }

  private synchronized Owner owner() throws SQLException {
    Owner o = owner;
    if (o != null && !o.valid()) {
      o.close();
      o = null;
    }
    if (o == null) {
      o = postgres ? Owners.advisory(db.dedicated()) : Owners.local();
      owner = o;
    }
    return o;
  }

  private static long id(String id) throws PipelineException {
    if (id.isEmpty() || id.length() > 18 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new PipelineException(
          "no run '" + Text.escape(id) + "': run ids are numbers",
          "list the runs to see their ids");
    }
    return Long.parseLong(id);
  }

  private static @Nullable String deliveryKey(RunRecord r) {
    return r.trigger().deliveryId().isEmpty()
        ? null
        : r.trigger().source() + ":" + r.trigger().deliveryId();
  }

  private static @Nullable String duplicateKey(RunRecord r) {
    if (r.commit().isEmpty()) {
      return null;
    }
    return Digest.sha256(
            r.repository() + "\0" + r.commit() + "\0" + r.concurrencyKey() + "\0" + r.pipeline())
        .hex();
  }

  private PipelineException error(String what, SQLException e) {
    return new PipelineException(
        what + " in " + db.url() + ": " + db.describe(e),
        "check that the database is reachable and has room",
        null,
        e);
  }

  private RunRecord parse(long id, String json) throws PipelineException {
    try {
      return Pipelines.runFromJson(json);
    } catch (IOException e) {
      throw new PipelineException(
          "the record of run " + id + " in " + db.url() + " is damaged: " + e.getMessage(),
          "restore the database from a backup, or delete that run");
    }
  }

  @Override
  public Created create(RunRecord run, String definitionText) throws PipelineException {
    try {
      Owner o = owner();
      String dKey = deliveryKey(run);
      String dupKey = duplicateKey(run);
      return db.transaction(
          c -> {
            try (PreparedStatement lock =
                c.prepareStatement(
                    "UPDATE counters SET next_id = next_id + 1 WHERE name = 'runs'")) {
              lock.executeUpdate();
            }
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT id, record FROM runs WHERE delivery_key = ? OR duplicate_key = ?"
                        + " ORDER BY id")) {
              setNullable(s, 1, dKey);
              setNullable(s, 2, dupKey);
              try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                  RunRecord known = parseUnchecked(r.getLong(1), r.getString(2));
                  if (run.duplicates(known)) {
                    c.rollback();
                    return new Created(known, true, null);
                  }
                }
              }
            }
            long id;
            try (PreparedStatement s =
                    c.prepareStatement("SELECT next_id FROM counters WHERE name = 'runs'");
                ResultSet r = s.executeQuery()) {
              r.next();
              id = r.getLong(1);
            }
            RunRecord created = run.withId(Long.toString(id));
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO runs (id, record, definition_text, revision, state, finished,"
                        + " delivery_key, duplicate_key, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              s.setLong(1, id);
              s.setString(2, Pipelines.json(created));
              s.setString(3, definitionText);
              s.setLong(4, created.revision());
              s.setString(5, created.state().id());
              s.setBoolean(6, created.state().finished());
              setNullable(s, 7, dKey);
              setNullable(s, 8, dupKey);
              s.setObject(9, created.created().atOffset(ZoneOffset.UTC));
              s.executeUpdate();
            }
            try (PreparedStatement s =
                c.prepareStatement("INSERT INTO run_leases (run_id, owner_id) VALUES (?, ?)")) {
              s.setLong(1, id);
              s.setLong(2, o.id());
              s.executeUpdate();
            }
            return new Created(created, false, new DbLease(id));
          });
    } catch (Damaged d) {
      throw d.error;
    } catch (SQLException e) {
      throw error("cannot create a run", e);
    }
  }

  /** A damaged record met inside a transaction. */
  private static final class Damaged extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient PipelineException error;

    Damaged(PipelineException error) {
      super(error.getMessage(), null, false, false);
      this.error = error;
    }
  }

  private RunRecord parseUnchecked(long id, String json) {
    try {
      return parse(id, json);
    } catch (PipelineException e) {
      throw new Damaged(e);
    }
  }

  private static void setNullable(PreparedStatement s, int i, @Nullable String v)
      throws SQLException {
    if (v == null) {
      s.setNull(i, Types.VARCHAR);
    } else {
      s.setString(i, v);
    }
  }

  private final class DbLease implements Lease {
    private final long runId;
    private boolean closed;

    DbLease(long runId) {
      this.runId = runId;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        db.read(
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement("DELETE FROM run_leases WHERE run_id = ?")) {
                s.setLong(1, runId);
                return s.executeUpdate();
              }
            });
      } catch (SQLException e) {
        // the lease row stays, but its owner's liveness decides: when this store closes it goes
      }
    }
  }

  @Override
  public void update(RunRecord run) throws PipelineException {
    long id = id(run.id());
    try {
      int n =
          db.read(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement(
                        "UPDATE runs SET record = ?, revision = ?, state = ?, finished = ?"
                            + " WHERE id = ? AND revision < ?")) {
                  s.setString(1, Pipelines.json(run));
                  s.setLong(2, run.revision());
                  s.setString(3, run.state().id());
                  s.setBoolean(4, run.state().finished());
                  s.setLong(5, id);
                  s.setLong(6, run.revision());
                  return s.executeUpdate();
                }
              });
      if (n == 1) {
        return;
      }
      Optional<RunRecord> now = get(run.id());
      if (now.isEmpty()) {
        throw new PipelineException("no run " + run.id() + " in " + db.url(), null);
      }
      throw new PipelineException(
          "run "
              + run.id()
              + " is at revision "
              + now.get().revision()
              + " already; revision "
              + run.revision()
              + " would go back",
          "read the run again before writing it");
    } catch (SQLException e) {
      throw error("cannot write run " + run.id(), e);
    }
  }

  @Override
  public Optional<RunRecord> get(String id) throws PipelineException {
    long n = id(id);
    try {
      Optional<String> json =
          db.read(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement("SELECT record FROM runs WHERE id = ?")) {
                  s.setLong(1, n);
                  try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
                  }
                }
              });
      return json.isEmpty() ? Optional.empty() : Optional.of(parse(n, json.get()));
    } catch (SQLException e) {
      throw error("cannot read run " + id, e);
    }
  }

  @Override
  public List<RunRecord> list() throws PipelineException {
    try {
      List<long[]> ids = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      db.read(
          c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT id, record FROM runs ORDER BY id DESC");
                ResultSet r = s.executeQuery()) {
              while (r.next()) {
                ids.add(new long[] {r.getLong(1)});
                texts.add(r.getString(2));
              }
            }
            return Boolean.TRUE;
          });
      List<RunRecord> out = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        out.add(parse(ids.get(i)[0], texts.get(i)));
      }
      return out;
    } catch (SQLException e) {
      throw error("cannot list the runs", e);
    }
  }

  @Override
  public Optional<String> definitionText(String id) throws PipelineException {
    long n = id(id);
    try {
      return db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement("SELECT definition_text FROM runs WHERE id = ?")) {
              s.setLong(1, n);
              try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
              }
            }
          });
    } catch (SQLException e) {
      throw error("cannot read the pipeline of run " + id, e);
    }
  }

  private @Nullable Long leaseOwner(Connection c, long id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT owner_id FROM run_leases WHERE run_id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : null;
      }
    }
  }

  private boolean leased(Connection c, long id) throws SQLException {
    Long o = leaseOwner(c, id);
    return o != null && Owners.alive(c, postgres, o);
  }

  @Override
  public void delete(String id) throws PipelineException {
    long n = id(id);
    try {
      boolean held =
          db.transaction(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement("SELECT id FROM runs WHERE id = ? FOR UPDATE")) {
                  s.setLong(1, n);
                  try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                      return false;
                    }
                  }
                }
                if (leased(c, n)) {
                  return true;
                }
                for (String sql :
                    List.of(
                        "DELETE FROM run_logs WHERE run_id = ?",
                        "DELETE FROM run_leases WHERE run_id = ?",
                        "DELETE FROM runs WHERE id = ?")) {
                  try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setLong(1, n);
                    s.executeUpdate();
                  }
                }
                return false;
              });
      if (held) {
        throw new PipelineException(
            "run " + id + " is still held by its engine", "cancel it first");
      }
    } catch (SQLException e) {
      throw error("cannot delete run " + id, e);
    }
  }

  private static String logName(String logName) throws PipelineException {
    if (!LOG_NAME.matcher(logName).matches() || logName.contains("..")) {
      throw new PipelineException("not a step log name: " + Text.escape(logName), null);
    }
    return logName;
  }

  @Override
  public OutputStream appendLog(String id, String logName) throws PipelineException {
    long n = id(id);
    String name = logName(logName);
    return new LogStream(n, name);
  }

  /** Buffers a step's output and appends it as chunks: when full, on flush, on close. */
  private final class LogStream extends OutputStream {
    private final long runId;
    private final String name;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long lastFlush = System.nanoTime();
    private boolean closed;

    LogStream(long runId, String name) {
      this.runId = runId;
      this.name = name;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      buffer.write(b);
      maybeFlush();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      buffer.write(b, off, len);
      maybeFlush();
    }

    private void maybeFlush() throws IOException {
      if (buffer.size() >= CHUNK || System.nanoTime() - lastFlush >= FLUSH_NANOS) {
        flush();
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      lastFlush = System.nanoTime();
      if (buffer.size() == 0) {
        return;
      }
      byte[] all = buffer.toByteArray();
      buffer.reset();
      for (int at = 0; at < all.length; at += CHUNK) {
        byte[] chunk = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + CHUNK));
        appendChunk(chunk);
      }
    }

    private void appendChunk(byte[] chunk) throws IOException {
      SQLException last = null;
      for (int attempt = 0; attempt < 20; attempt++) {
        try {
          db.transaction(
              c -> {
                long start;
                try (PreparedStatement s =
                    c.prepareStatement(
                        "SELECT COALESCE(MAX(start_offset + chunk_length), 0) FROM run_logs"
                            + " WHERE run_id = ? AND log_name = ?")) {
                  s.setLong(1, runId);
                  s.setString(2, name);
                  try (ResultSet r = s.executeQuery()) {
                    r.next();
                    start = r.getLong(1);
                  }
                }
                try (PreparedStatement s =
                    c.prepareStatement(
                        "INSERT INTO run_logs (run_id, log_name, start_offset, chunk_length, chunk)"
                            + " VALUES (?, ?, ?, ?, ?)")) {
                  s.setLong(1, runId);
                  s.setString(2, name);
                  s.setLong(3, start);
                  s.setInt(4, chunk.length);
                  s.setBytes(5, chunk);
                  s.executeUpdate();
                }
                return Boolean.TRUE;
              });
          return;
        } catch (SQLException e) {
          last = e;
          if (!"23505".equals(e.getSQLState())) {
            break;
          }
        }
      }
      throw new IOException(
          "cannot append to the log " + name + " of run " + runId + ": " + describe(last));
    }

    @Override
    public synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      flush();
    }
  }

  private String describe(@Nullable SQLException e) {
    return e == null ? "unknown" : db.describe(e);
  }

  @Override
  public byte[] readLog(String id, String logName, long offset, int max) throws PipelineException {
    long n = id(id);
    String name = logName(logName);
    if (max <= 0 || offset < 0) {
      return new byte[0];
    }
    long end = offset + max < 0 ? Long.MAX_VALUE : offset + max;
    try {
      return db.read(
          c -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT start_offset, chunk FROM run_logs WHERE run_id = ? AND log_name = ?"
                        + " AND start_offset + chunk_length > ? AND start_offset < ?"
                        + " ORDER BY start_offset")) {
              s.setLong(1, n);
              s.setString(2, name);
              s.setLong(3, offset);
              s.setLong(4, end);
              try (ResultSet r = s.executeQuery()) {
                long expect = offset;
                while (r.next()) {
                  long start = r.getLong(1);
                  byte[] chunk = r.getBytes(2);
                  int from = (int) Math.max(0, expect - start);
                  int to = (int) Math.min(chunk.length, end - start);
                  if (start > expect || from >= to) {
                    break;
                  }
                  out.write(chunk, from, to - from);
                  expect = start + to;
                }
              }
            }
            return out.toByteArray();
          });
    } catch (SQLException e) {
      throw error("cannot read the log " + logName + " of run " + id, e);
    }
  }

  @Override
  public void requestCancel(String id) throws PipelineException {
    long n = id(id);
    try {
      int rows =
          db.read(
              c -> {
                try (PreparedStatement s =
                    c.prepareStatement("UPDATE runs SET cancel_requested = TRUE WHERE id = ?")) {
                  s.setLong(1, n);
                  return s.executeUpdate();
                }
              });
      if (rows == 0) {
        throw new PipelineException("no run " + id, "list the runs to see their ids");
      }
    } catch (SQLException e) {
      throw error("cannot ask run " + id + " to cancel", e);
    }
  }

  @Override
  public boolean cancelRequested(String id) throws PipelineException {
    long n = id(id);
    try {
      return db.read(
          c -> {
            try (PreparedStatement s =
                c.prepareStatement("SELECT cancel_requested FROM runs WHERE id = ?")) {
              s.setLong(1, n);
              try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
              }
            }
          });
    } catch (SQLException e) {
      throw error("cannot read run " + id, e);
    }
  }

  @Override
  public List<RunRecord> interruptOrphans(Instant now) throws PipelineException {
    try {
      List<Long> unfinished =
          db.read(
              c -> {
                List<Long> out = new ArrayList<>();
                try (PreparedStatement s =
                        c.prepareStatement(
                            "SELECT id FROM runs WHERE finished = FALSE ORDER BY id");
                    ResultSet r = s.executeQuery()) {
                  while (r.next()) {
                    out.add(r.getLong(1));
                  }
                }
                return out;
              });
      List<RunRecord> out = new ArrayList<>();
      for (long id : unfinished) {
        Optional<RunRecord> i =
            db.transaction(
                c -> {
                  String json;
                  try (PreparedStatement s =
                      c.prepareStatement(
                          "SELECT record FROM runs WHERE id = ? AND finished = FALSE FOR UPDATE")) {
                    s.setLong(1, id);
                    try (ResultSet r = s.executeQuery()) {
                      if (!r.next()) {
                        return Optional.<RunRecord>empty();
                      }
                      json = r.getString(1);
                    }
                  }
                  if (leased(c, id)) {
                    return Optional.<RunRecord>empty();
                  }
                  RunRecord was = parseUnchecked(id, json);
                  RunRecord interrupted = was.interrupted(now);
                  try (PreparedStatement s =
                      c.prepareStatement(
                          "UPDATE runs SET record = ?, revision = ?, state = ?, finished = ?"
                              + " WHERE id = ?")) {
                    s.setString(1, Pipelines.json(interrupted));
                    s.setLong(2, interrupted.revision());
                    s.setString(3, interrupted.state().id());
                    s.setBoolean(4, interrupted.state().finished());
                    s.setLong(5, id);
                    s.executeUpdate();
                  }
                  try (PreparedStatement s =
                      c.prepareStatement("DELETE FROM run_leases WHERE run_id = ?")) {
                    s.setLong(1, id);
                    s.executeUpdate();
                  }
                  return Optional.of(interrupted);
                });
        i.ifPresent(out::add);
      }
      return out;
    } catch (Damaged d) {
      throw d.error;
    } catch (SQLException e) {
      throw error("cannot recover the runs", e);
    }
  }

  @Override
  public synchronized void close() {
    if (owner != null) {
      owner.close();
      owner = null;
    }
  }

  @Override
  public String toString() {
    return "JdbcRunStore[" + db.url() + "]";
  }
}
