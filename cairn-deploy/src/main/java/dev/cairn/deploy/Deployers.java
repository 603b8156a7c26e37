package dev.cairn.deploy;

import dev.cairn.deploy.internal.ServerSideApply;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.ScanException;

/** Entry point of the deploy module. */
public final class Deployers {
  private Deployers() {}

  public static Deployer forKubeconfig(ClusterOptions options) throws ScanException {
    return new ServerSideApply(options);
  }
}
