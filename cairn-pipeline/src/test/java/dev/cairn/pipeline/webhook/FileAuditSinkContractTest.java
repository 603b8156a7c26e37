package dev.cairn.pipeline.webhook;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The JSON-lines audit ({@link AuditSink#file}) against the shared audit sink contract. */
class FileAuditSinkContractTest extends AuditSinkContract {
  @TempDir Path dir;

  @Override
  protected AuditSink open() throws Exception {
    return AuditSink.file(dir.resolve("audit.jsonl"));
  }

  @Override
  protected List<String> recorded() throws Exception {
    return Files.readAllLines(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
  }
}
