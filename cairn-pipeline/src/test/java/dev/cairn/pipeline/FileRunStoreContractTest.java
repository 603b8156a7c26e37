package dev.cairn.pipeline;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file store ({@link Pipelines#fileStore(Path)}) against the shared run store contract. */
class FileRunStoreContractTest extends RunStoreContract {
  @TempDir Path dir;

  @Override
  protected RunStore open() throws Exception {
    return Pipelines.fileStore(dir);
  }
}
