package dev.cairn.deploy.duties;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file log does (the shared contract: {@link FileAuditLogContractTest}). */
class AuditLogTest {
  @TempDir Path tmp;

  @Test
  void tornLastLine_isIgnoredAndCutBeforeTheNextAppend() throws Exception {
    FileAuditLog log = AuditLog.at(tmp.resolve("audit.jsonl"));
    log.append(Map.of("n", "1"));
    // a crash in the middle of the second write
    Files.writeString(log.file(), "{\"n\":\"2\",\"pr", StandardOpenOption.APPEND);
    assertThat(log.read()).extracting(r -> r.get("n")).containsExactly("1");
    log.append(Map.of("n", "3"));
    assertThat(log.read()).extracting(r -> r.get("n")).containsExactly("1", "3");
    assertThat(Files.readString(log.file())).doesNotContain("\"pr\n");
  }
}
