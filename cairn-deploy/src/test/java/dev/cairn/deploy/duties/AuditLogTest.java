package dev.cairn.deploy.duties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path tmp;

  @Test
  void tornLastLine_isIgnoredAndCutBeforeTheNextAppend() throws Exception {
    AuditLog log = AuditLog.at(tmp.resolve("audit.jsonl"));
    log.append(Map.of("n", "1"));
    // a crash in the middle of the second write
    Files.writeString(log.file(), "{\"n\":\"2\",\"pr", StandardOpenOption.APPEND);
    assertThat(log.read()).extracting(r -> r.get("n")).containsExactly("1");
    log.append(Map.of("n", "3"));
    assertThat(log.read()).extracting(r -> r.get("n")).containsExactly("1", "3");
    assertThat(Files.readString(log.file())).doesNotContain("\"pr\n");
  }

  @Test
  void removedRecord_breaksTheChain() throws Exception {
    AuditLog log = AuditLog.at(tmp.resolve("audit.jsonl"));
    log.append(Map.of("n", "1"));
    log.append(Map.of("n", "2"));
    log.append(Map.of("n", "3"));
    List<String> lines = Files.readAllLines(log.file(), StandardCharsets.UTF_8);
    Files.write(log.file(), List.of(lines.get(0), lines.get(2)));
    assertThatThrownBy(log::read)
        .isInstanceOf(DutyException.class)
        .hasMessageEndingWith(
            "audit.jsonl:2: the audit chain is broken (a record before it was removed or changed)");
  }
}
