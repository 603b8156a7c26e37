package dev.cairn.deploy.internal;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.deploy.Deployer;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Kinds;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ScanException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Server-side apply through fabric8, field manager {@code cairn}. */
public final class ServerSideApply implements Deployer {
  private final KubernetesClient client;

  public ServerSideApply(ClusterOptions options) throws ScanException {
    this.client = client(options);
  }

  /** Applies through {@code client}, which the caller closes. */
  ServerSideApply(KubernetesClient client) {
    this.client = client;
  }

  static KubernetesClient client(ClusterOptions options) throws ScanException {
    try {
      Config cfg =
          Config.fromKubeconfig(
              options.context(),
              Files.readString(options.kubeconfig()),
              options.kubeconfig().toString());
      return new KubernetesClientBuilder().withConfig(cfg).build();
    } catch (IOException | RuntimeException e) {
      throw new ScanException(
          "cannot use kubeconfig " + options.kubeconfig() + ": " + e.getMessage(),
          "check the --kubeconfig path",
          e);
    }
  }

  @Override
  public void apply(List<KubeObject> objects, String defaultNamespace) throws CairnException {
    Set<String> namespaces = new LinkedHashSet<>();
    for (KubeObject o : objects) {
      if (isNamespaced(o)) {
        namespaces.add(o.namespace() == null ? defaultNamespace : o.namespace());
      }
    }
    try {
      for (String ns : namespaces) {
        if (client.namespaces().withName(ns).get() == null) {
          client
              .namespaces()
              .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
              .create();
        }
      }
      for (KubeObject o : objects) {
        GenericKubernetesResource r =
            Serialization.unmarshal(Json.canonical(o.content()), GenericKubernetesResource.class);
        if (isNamespaced(o)) {
          client
              .resource(r)
              .inNamespace(o.namespace() == null ? defaultNamespace : o.namespace())
              .fieldManager("cairn")
              .forceConflicts()
              .serverSideApply();
        } else {
          client.resource(r).fieldManager("cairn").forceConflicts().serverSideApply();
        }
      }
    } catch (KubernetesClientException e) {
      String what = e.getCode() == 403 ? "forbade" : "refused (" + e.getCode() + ")";
      throw new CairnException(
          "the API server " + what + " an apply: " + firstLine(String.valueOf(e.getMessage())),
          e.getCode() == 403
              ? "grant the deploying identity permission on these objects (Ops role)"
              : "check the objects with --dry-run first",
          e);
    }
  }

  private static boolean isNamespaced(KubeObject o) {
    return Kinds.byKind(o.group(), o.kind()).map(Kinds.KindInfo::namespaced).orElse(true);
  }

  private static String firstLine(String s) {
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  @Override
  public void close() {
    client.close();
  }
}
