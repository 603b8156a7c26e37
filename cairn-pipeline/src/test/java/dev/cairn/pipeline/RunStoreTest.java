package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store does (the shared contract is {@link FileRunStoreContractTest}). */
class RunStoreTest {
  @TempDir Path dir;

  static RunRecord draft(String commit, String delivery) throws Exception {
    return RunStoreContract.draft(commit, delivery);
  }

  @Test
  void unfinishedCreation_isRemovedOnOpen_idsAreNeverReused() throws Exception {
    String first;
    try (RunStore store = Pipelines.fileStore(dir)) {
      RunStore.Created c = store.create(draft("aaaaaaa", "d1"), "x");
      c.lease().close();
      first = c.record().id();
    }
    // a crash after the directory was made, before run.json
    Files.createDirectories(dir.resolve("2/logs"));
    Files.writeString(dir.resolve("1/.run.json123.tmp"), "{half");
    try (RunStore store = Pipelines.fileStore(dir)) {
      assertThat(dir.resolve("2")).doesNotExist();
      assertThat(dir.resolve("1/.run.json123.tmp")).doesNotExist();
      store.delete(first);
      RunStore.Created c = store.create(draft("ccccccc", "d3"), "x");
      c.lease().close();
      assertThat(c.record().id()).isEqualTo("2");
    }
  }

  @Test
  void damagedRecord_failsWithWhereItIs_andBadIdsAreRefused() throws Exception {
    try (RunStore store = Pipelines.fileStore(dir)) {
      store.create(draft("aaaaaaa", "d1"), "x").lease().close();
      Files.writeString(dir.resolve("1/run.json"), "{\"format\": 1}");
      assertThatThrownBy(() -> store.get("1"))
          .hasMessageStartingWith("the record of run 1 in " + dir + " is damaged");
      assertThatThrownBy(() -> store.get("../x")).hasMessageContaining("run ids are numbers");
      assertThatThrownBy(() -> store.readLog("1", "../../etc/passwd", 0, 10))
          .hasMessageContaining("not a step log name");
    }
  }
}
