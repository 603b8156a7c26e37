package dev.cairn.deploy.rollout;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file history ({@link Rollouts#fileHistory(Path)}) against the shared contract. */
class FileDeployHistoryContractTest extends DeployHistoryContract {
  @TempDir Path dir;

  @Override
  protected DeployHistory open() {
    return Rollouts.fileHistory(dir);
  }
}
