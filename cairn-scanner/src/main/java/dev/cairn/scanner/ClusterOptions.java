package dev.cairn.scanner;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How to read a live cluster.
 *
 * @param kubeconfig the kubeconfig file
 * @param context the context to use, or null for the current one
 * @param namespaces namespaces to scan; empty means all (and cluster-scoped objects too)
 * @param pageSize objects per list page
 */
public record ClusterOptions(
    Path kubeconfig, @Nullable String context, List<String> namespaces, int pageSize) {
  public ClusterOptions {
    namespaces = List.copyOf(namespaces);
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be positive");
    }
  }

  public static ClusterOptions of(Path kubeconfig) {
    return new ClusterOptions(kubeconfig, null, List.of(), 500);
  }
}
