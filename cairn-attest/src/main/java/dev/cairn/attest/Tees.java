package dev.cairn.attest;

import dev.cairn.core.CairnHome;
import java.time.Clock;
import java.util.List;

/** The TEE providers. */
public final class Tees {
  /** Printed beside everything made with the simulation provider. */
  public static final String SIMULATION_WARNING = "simulation: no hardware protection";

  private Tees() {}

  /** The simulation provider with its platform key in {@code home}. */
  public static TeeProvider simulation(CairnHome home, Clock clock) {
    return new dev.cairn.attest.internal.SimulationProvider(home, clock);
  }

  /** The providers that can launch workloads on this machine. */
  public static List<String> names() {
    return List.of("simulation");
  }

  /** The provider named {@code name}, keeping its state in {@code home}. */
  public static TeeProvider provider(String name, CairnHome home, Clock clock)
      throws AttestationException {
    if (name.equals("simulation")) {
      return simulation(home, clock);
    }
    throw new AttestationException(
        "no TEE provider named '" + name + "' (have: " + names() + ")",
        "use the simulation provider until a hardware provider is installed");
  }
}
