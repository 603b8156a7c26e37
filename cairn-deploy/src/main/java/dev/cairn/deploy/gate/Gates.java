package dev.cairn.deploy.gate;

import dev.cairn.core.CairnHome;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.BreakGlass;
import dev.cairn.deploy.duties.Roster;
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

  /**
   * {@code gate}, whose refusals {@code override} lifts when it is for the target and an image of
   * the deploy, names every reason refused, and verifies against {@code roster} (two identities
   * holding Ops and Sec, not expired). Each use, lifted or refused, is appended to {@code audit};
   * without the record, nothing is lifted.
   */
  public static DeployGate withOverride(
      DeployGate gate, BreakGlass override, Roster roster, AuditLog audit, Clock clock) {
    return new OverriddenGate(gate, override, roster, audit, clock);
  }
}
