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

  /**
   * The objects with every container image of {@code image}'s repository set to {@code image}
   * (which carries a digest): how a pipeline redeploys the image it just pushed.
   */
  public static java.util.List<dev.cairn.scanner.KubeObject> withImage(
      java.util.List<dev.cairn.scanner.KubeObject> objects, dev.cairn.supplychain.ImageRef image) {
    java.util.List<dev.cairn.scanner.KubeObject> out = new java.util.ArrayList<>();
    for (dev.cairn.scanner.KubeObject o : objects) {
      java.util.Map<String, Object> copy = ImagePins.copy(o.content());
      for (java.util.Map<String, Object> spec : ImagePins.podSpecs(o.kind(), copy)) {
        for (String list : java.util.List.of("initContainers", "containers")) {
          if (spec.get(list) instanceof java.util.List<?> cs) {
            for (Object c : cs) {
              if (c instanceof java.util.Map<?, ?> m && m.get("image") instanceof String text) {
                try {
                  if (dev.cairn.supplychain.ImageRef.parse(text).name().equals(image.name())) {
                    @SuppressWarnings("unchecked")
                    java.util.Map<String, Object> mm = (java.util.Map<String, Object>) m;
                    mm.put("image", image.toString());
                  }
                } catch (dev.cairn.core.CairnException e) {
                  // not a reference: left for the pinning to name
                }
              }
            }
          }
        }
      }
      dev.cairn.scanner.KubeObject k = dev.cairn.scanner.KubeObject.of(copy, o.location());
      out.add(k == null ? o : k);
    }
    return out;
  }
}
