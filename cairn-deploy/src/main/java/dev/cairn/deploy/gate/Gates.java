package dev.cairn.deploy.gate;

import dev.cairn.core.CairnHome;
import dev.cairn.supplychain.OciClient;
import java.time.Clock;

/** Entry point of the deploy gate. */
public final class Gates {
  private Gates() {}

  /**
   * The gate of {@code docs/deploy.md}: images verified against {@code home}'s trust root through
   * {@code oci}, manifests scanned against the target's frameworks, and the target's compliance
   * certificate verified against the live cluster.
   */
  public static DeployGate standard(CairnHome home, OciClient oci, Clock clock) {
    return new StandardGate(home, oci, clock);
  }
}
