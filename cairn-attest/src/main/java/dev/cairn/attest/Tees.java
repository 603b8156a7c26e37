package dev.cairn.attest;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds TEE providers. */
public final class Tees {
  /** Printed beside everything made with the simulation provider. */
  public static final String SIMULATION_WARNING = "simulation: no hardware protection";

  private Tees() {}

  /** Cairn's home: {@code cairn.home}, {@code CAIRN_HOME} or {@code ~/.cairn}. */
  public static java.nio.file.Path cairnHome() {
    return dev.cairn.attest.internal.SimulationProvider.cairnHome();
  }

  /** The simulation provider with its platform key in {@code home}. */
  public static TeeProvider simulation(java.nio.file.Path home, java.time.Clock clock) {
    return new dev.cairn.attest.internal.SimulationProvider(home, clock);
  }

  public static List<String> names() {
    List<String> out = new ArrayList<>();
    for (TeeProvider p : ServiceLoader.load(TeeProvider.class)) {
      out.add(p.name());
    }
    return out;
  }

  public static TeeProvider provider(String name) throws AttestationException {
    for (TeeProvider p : ServiceLoader.load(TeeProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new AttestationException(
        "no TEE provider named '" + name + "' (have: " + names() + ")", "use --tee simulation");
  }
}
