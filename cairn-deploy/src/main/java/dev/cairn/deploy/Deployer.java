package dev.cairn.deploy;

import dev.cairn.core.CairnException;
import dev.cairn.scanner.KubeObject;
import java.util.List;

/** Applies objects to a cluster. Create one with {@link Deployers#forKubeconfig}. */
public interface Deployer extends AutoCloseable {
  /**
   * Server-side applies every object (field manager {@code cairn}), creating missing namespaces
   * first; objects without a namespace go to {@code defaultNamespace} when they are namespaced.
   */
  void apply(List<KubeObject> objects, String defaultNamespace) throws CairnException;

  @Override
  void close();
}
