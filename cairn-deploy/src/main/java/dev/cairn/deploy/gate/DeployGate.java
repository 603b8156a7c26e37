package dev.cairn.deploy.gate;

import dev.cairn.deploy.TargetConfig;
import dev.cairn.scanner.KubeObject;
import dev.cairn.supplychain.ImageRef;
import java.util.List;

/**
 * Decides whether manifests may go to a target, before anything is applied. Made by {@link Gates}.
 */
public interface DeployGate {
  /**
   * Judges every demand of {@code target} and returns all refusals, not only the first.
   *
   * @param objects the manifests, every image already pinned by digest
   * @param images the images they run, by digest
   */
  GateDecision decide(TargetConfig target, List<KubeObject> objects, List<ImageRef> images);
}
