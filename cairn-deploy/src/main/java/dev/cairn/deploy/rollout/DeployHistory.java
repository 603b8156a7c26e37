package dev.cairn.deploy.rollout;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where each target's revisions, their manifests and its pin are kept. {@link Rollouts#fileHistory}
 * keeps them in Cairn's home, written crash-safely; a server supplies its own.
 */
public interface DeployHistory {
  /** The target's revisions, oldest first; empty for a target never deployed. */
  List<Revision> revisions(String target) throws IOException;

  /** The manifests revision {@code rev} applied, pinned by digest. */
  List<Map<String, Object>> manifests(String target, int rev) throws IOException;

  /**
   * Records {@code revision}, replacing an earlier record of the same number; stores {@code
   * manifests} (first, so that a recorded revision always has them) when not null.
   */
  void record(String target, Revision revision, @Nullable List<Map<String, Object>> manifests)
      throws IOException;

  Optional<Pin> pin(String target) throws IOException;

  /** Pins the target ({@code pin} not null) or removes its pin. */
  void setPin(String target, @Nullable Pin pin) throws IOException;
}
