package dev.cairn.certify;

import java.nio.file.Path;

/** What to certify. */
public sealed interface Target permits Target.Live, Target.Snapshot {
  /** A live cluster, read through {@code kubeconfig}; its identity is read from it. */
  record Live(Path kubeconfig) implements Target {
    public Live {
      kubeconfig = kubeconfig.toAbsolutePath();
    }
  }

  /** A saved snapshot; it only claims its cluster's identity, and the certificate says so. */
  record Snapshot(Path file) implements Target {
    public Snapshot {
      file = file.toAbsolutePath();
    }
  }
}
