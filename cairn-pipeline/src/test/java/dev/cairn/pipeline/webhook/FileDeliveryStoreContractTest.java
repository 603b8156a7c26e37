package dev.cairn.pipeline.webhook;

import dev.cairn.pipeline.webhook.DeliveryStore.Retention;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The file store ({@link DeliveryStore#file}) against the shared delivery store contract. */
class FileDeliveryStoreContractTest extends DeliveryStoreContract {
  @TempDir Path dir;

  @Override
  protected DeliveryStore open(Retention retention, Clock clock) throws Exception {
    return DeliveryStore.file(dir, retention, clock);
  }
}
