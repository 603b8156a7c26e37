package dev.cairn.deploy.duties;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The file log ({@link AuditLog#at}) against the shared duties audit contract. */
class FileAuditLogContractTest extends AuditLogContract {
  @TempDir Path tmp;

  @Override
  protected AuditLog open() {
    return AuditLog.at(tmp.resolve("audit.jsonl"));
  }

  @Override
  protected void removeRecord(int n) throws Exception {
    Path f = tmp.resolve("audit.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
    lines.remove(n - 1);
    Files.write(f, lines, StandardCharsets.UTF_8);
  }
}
