package dev.cairn.deploy.rollout;

import dev.cairn.core.CairnHome;
import dev.cairn.deploy.gate.DeployGate;
import dev.cairn.supplychain.OciClient;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/** Entry point of rollouts. */
public final class Rollouts {
  private Rollouts() {}

  /** The deploy history in {@code home}'s {@code deploy/targets} directory. */
  public static DeployHistory fileHistory(CairnHome home) {
    return new FileDeployHistory(home.dir("deploy").resolve("targets"));
  }

  /** The deploy history in {@code dir} (one directory per target). */
  public static DeployHistory fileHistory(Path dir) {
    return new FileDeployHistory(dir);
  }

  /**
   * An engine.
   *
   * @param history where revisions and pins are kept
   * @param oci resolves image tags to digests
   * @param gate asked before every deploy (null: no gate; the history records {@code none})
   * @param clock for the history's times and the rollout deadline
   */
  public static RolloutEngine engine(
      DeployHistory history, OciClient oci, @Nullable DeployGate gate, Clock clock) {
    return new DefaultRolloutEngine(history, oci, gate, clock);
  }
}
