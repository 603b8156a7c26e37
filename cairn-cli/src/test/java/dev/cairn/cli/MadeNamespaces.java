package dev.cairn.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The namespaces a test made in the shared test cluster, deleted (and waited for) after it: a live
 * certification in the same run scans the whole cluster.
 */
final class MadeNamespaces {
  private final List<String> names = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  /** Remembers {@code ns}, made through {@code client}; returns it. */
  String add(KubernetesClient client, String ns) {
    names.add(ns);
    clients.add(client);
    return ns;
  }

  /** Deletes every namespace remembered and waits until each is gone. */
  void deleteAll() {
    for (int i = 0; i < names.size(); i++) {
      String ns = names.get(i);
      KubernetesClient c = clients.get(i);
      c.namespaces().withName(ns).delete();
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> c.namespaces().withName(ns).get() == null);
    }
    names.clear();
    clients.clear();
  }
}
