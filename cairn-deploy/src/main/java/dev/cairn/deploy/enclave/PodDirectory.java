package dev.cairn.deploy.enclave;

import dev.cairn.core.CairnException;
import java.util.Map;
import java.util.Optional;

/** The pods running on this node, as the node knows them (the container runtime, over CRI). */
public interface PodDirectory {
  /**
   * The pod whose sandbox has {@code address}, if one runs on this node.
   *
   * @throws CairnException when the runtime or the API server can't be asked
   */
  Optional<Pod> byAddress(String address) throws CairnException;

  /**
   * A pod on this node.
   *
   * @param namespace its namespace
   * @param name its name
   * @param uid its uid (the sandbox's and the API server's agree)
   * @param runtimeHandler the runtime handler the sandbox runs under, as the runtime reports it
   *     ({@code ""} when it does not say)
   * @param expectedHandler the handler the pod's runtime class names ({@code ""} without one)
   * @param spec the pod spec the API server holds, as plain maps
   */
  record Pod(
      String namespace,
      String name,
      String uid,
      String runtimeHandler,
      String expectedHandler,
      Map<String, Object> spec) {}
}
