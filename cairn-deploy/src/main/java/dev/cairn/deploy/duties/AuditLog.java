package dev.cairn.deploy.duties;

import dev.cairn.core.CairnHome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The duties audit log: append-only records, each naming the digest of the canonical JSON line of
 * the record before it ({@code prev}, {@code none} for the first), so a removed or edited record
 * breaks the chain. The file log ({@link #in}, {@link #at}) keeps it in Cairn's home; {@code
 * cairn-server} supplies a database one that keeps the same lines and the same chain.
 */
public interface AuditLog {
  /** The audit log in Cairn's home: {@code duties/audit.jsonl}. */
  static FileAuditLog in(CairnHome home) {
    return FileAuditLog.in(home);
  }

  /** The audit log in {@code file}. */
  static FileAuditLog at(Path file) {
    return FileAuditLog.at(file);
  }

  /**
   * Appends {@code record} (with {@code prev} added), durably when it returns; appends from several
   * processes are ordered, none lost.
   */
  void append(Map<String, Object> record) throws DutyException;

  /** Where the log is, for messages: its file, or its database. */
  String where();

  /** Every complete record, oldest first, after checking the chain; a break names the record. */
  List<Map<String, Object>> read() throws DutyException;
}
