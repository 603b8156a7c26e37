package dev.cairn.supplychain.enclave;

import dev.cairn.core.Digest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pod's measurement says about one of its containers: the image it runs (its manifest and
 * config digests), what the container executes (entrypoint and arguments as Kubernetes resolves
 * them from the pod spec over the image's config), and its environment (literal values, and the
 * source of each {@code valueFrom}, never a resolved secret).
 *
 * @param name the container's name in the pod
 * @param manifest the image manifest's digest
 * @param config the image config's digest (what containerd calls the image id)
 * @param entrypoint the executable and its leading arguments
 * @param args the arguments after them
 * @param env variable name to its literal value, or to a {@code valueFrom:} description
 */
public record ContainerFacts(
    String name,
    Digest manifest,
    Digest config,
    List<String> entrypoint,
    List<String> args,
    Map<String, String> env) {
  public ContainerFacts {
    entrypoint = List.copyOf(entrypoint);
    args = List.copyOf(args);
    env = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(env));
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("image", manifest.toString());
    m.put("config", config.toString());
    m.put("entrypoint", entrypoint);
    m.put("args", args);
    m.put("env", env);
    return m;
  }
}
