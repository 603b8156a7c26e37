package dev.cairn.deploy.duties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every duties {@link AuditLog} must do: the file log here and the server's database logs run
 * these same tests.
 */
public abstract class AuditLogContract {
  /** Opens the log under test (the same underlying log on every call). */
  protected abstract AuditLog open() throws Exception;

  /** Removes the {@code n}th record (1 and up) behind the log's back, as an attacker would. */
  protected abstract void removeRecord(int n) throws Exception;

  @Test
  void records_areReadBackInOrder_withoutTheirChainField_acrossAReopen() throws Exception {
    AuditLog log = open();
    log.append(Map.of("n", "1", "action", "override", "who", "ops-alice"));
    log.append(Map.of("n", "2", "nested", Map.of("reason", "<script>x</script>"), "count", 3L));
    List<Map<String, Object>> read = open().read();
    assertThat(read).hasSize(2);
    assertThat(read.get(0)).containsEntry("n", "1").containsEntry("who", "ops-alice");
    assertThat(read.get(0)).doesNotContainKey("prev");
    assertThat(read.get(1)).containsEntry("nested", Map.of("reason", "<script>x</script>"));
    assertThat(read.get(1)).containsEntry("count", 3L);
    assertThat(open().read()).as("reading changes nothing").isEqualTo(read);
  }

  @Test
  void emptyLog_readsAsNoRecords() throws Exception {
    assertThat(open().read()).isEmpty();
  }

  @Test
  void concurrentAppends_fromTwoOpenings_areAllKept_andTheChainHolds() throws Exception {
    AuditLog one = open();
    AuditLog two = open();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        AuditLog log = i % 2 == 0 ? one : two;
        String n = Integer.toString(i);
        all.add(
            pool.submit(
                () -> {
                  log.append(Map.of("n", n));
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Map<String, Object>> read = open().read();
    assertThat(read).hasSize(30);
    assertThat(read).extracting(r -> r.get("n")).doesNotHaveDuplicates();
  }

  @Test
  void removedRecord_breaksTheChain() throws Exception {
    AuditLog log = open();
    log.append(Map.of("n", "1"));
    log.append(Map.of("n", "2"));
    log.append(Map.of("n", "3"));
    removeRecord(2);
    assertThatThrownBy(() -> open().read())
        .isInstanceOf(DutyException.class)
        .hasMessageContaining(
            "the audit chain is broken (a record before it was removed or changed)");
  }
}
