package dev.cairn.deploy.internal;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.ScanException;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The node's pods and images as containerd knows them (CRI, through crictl), with each pod's spec
 * from the API server: the sandbox gives the address, the uid and the runtime handler; the API
 * server the spec, checked to be the same pod by uid; containerd the images, pulled by digest when
 * the node has not got them yet.
 */
public final class CriPods implements dev.cairn.deploy.enclave.NodeView {
  private final Crictl crictl;
  private final KubernetesClient client;

  public CriPods(Path crictl, String endpoint, ClusterOptions cluster) throws ScanException {
    this.crictl = new Crictl(crictl, endpoint);
    this.client = ServerSideApply.client(cluster);
  }

  @Override
  public Optional<Pod> byAddress(String address) throws CairnException {
    // an init container may call before the kubelet has reported the pod's address: ask again
    // for a few seconds before answering that no pod has it
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
    while (true) {
      Optional<Pod> p = lookUp(address);
      if (p.isPresent() || System.nanoTime() > deadline) {
        return p;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  private Optional<Pod> lookUp(String address) throws CairnException {
    // the pod the kubelet reports at this address, then its sandbox on this node's runtime (the
    // same uid, ready): a pod elsewhere, or an address no sandbox here has, is nobody
    List<io.fabric8.kubernetes.api.model.Pod> found;
    try {
      found =
          client
              .pods()
              .inAnyNamespace()
              .withField("status.podIP", address)
              .list()
              .getItems()
              .stream()
              .filter(
                  p ->
                      p.getStatus() != null && "Pending".equals(p.getStatus().getPhase())
                          || p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
              .toList();
    } catch (KubernetesClientException e) {
      throw new CairnException(
          "cannot list the pods at " + address + " from the API server: " + e.getMessage(),
          "check the platform service's kubeconfig: it reads pods and runtime classes",
          e);
    }
    for (io.fabric8.kubernetes.api.model.Pod pod : found) {
      String ns = pod.getMetadata().getNamespace();
      String name = pod.getMetadata().getName();
      String uid = pod.getMetadata().getUid();
      Map<String, Object> sandboxes =
          crictl.json(
              List.of("pods", "--state", "ready", "--label", "io.kubernetes.pod.uid=" + uid));
      List<Map<?, ?>> items = maps(sandboxes.get("items"));
      if (items.isEmpty()) {
        continue; // not a sandbox of this node's runtime
      }
      String handler = items.get(0).get("runtimeHandler") instanceof String h ? h : "";
      String expected;
      String rc = pod.getSpec().getRuntimeClassName();
      if (rc != null && !rc.isEmpty()) {
        RuntimeClass c;
        try {
          c = client.resources(RuntimeClass.class).withName(rc).get();
        } catch (KubernetesClientException e) {
          throw new CairnException(
              "cannot read runtime class " + rc + ": " + e.getMessage(),
              "check the platform service's kubeconfig: it reads pods and runtime classes",
              e);
        }
        if (c == null) {
          throw new CairnException(
              "runtime class " + rc + " of " + ns + "/" + name + " is gone", null);
        }
        expected = c.getHandler();
      } else {
        expected = handler; // no class: whatever the node runs by default, as measured
      }
      Map<String, Object> spec;
      try {
        spec = Json.parseObject(client.getKubernetesSerialization().asJson(pod.getSpec()));
      } catch (IOException e) {
        throw new CairnException("cannot read the spec of " + ns + "/" + name, null, e);
      }
      return Optional.of(new Pod(ns, name, uid, handler, expected, spec));
    }
    return Optional.empty();
  }

  @Override
  public Image resolve(String reference) throws CairnException {
    Digest named = Digest.parse(reference.substring(reference.indexOf('@') + 1));
    Map<String, Object> inspected;
    try {
      inspected = crictl.json(List.of("inspecti", reference));
    } catch (CairnException missing) {
      // not on the node yet: the runtime pulls it by digest (and checks the digest)
      if (!crictl.ok(List.of("pull", reference), 600)) {
        throw new CairnException(
            "the node cannot pull " + reference, "check the node's access to the registry");
      }
      inspected = crictl.json(List.of("inspecti", reference));
    }
    Map<String, Object> status = map(inspected.get("status"));
    boolean held = false;
    for (Object d : list(status.get("repoDigests"))) {
      if (String.valueOf(d).endsWith("@" + named)) {
        held = true;
      }
    }
    if (!held) {
      throw new CairnException(
          "the node's image for " + reference + " is not manifest " + named, null);
    }
    Digest config = Digest.parse(String.valueOf(status.get("id")));
    Map<String, Object> cfg = map(map(map(inspected.get("info")).get("imageSpec")).get("config"));
    List<String> entrypoint = new ArrayList<>();
    list(cfg.get("Entrypoint")).forEach(x -> entrypoint.add(String.valueOf(x)));
    List<String> cmd = new ArrayList<>();
    list(cfg.get("Cmd")).forEach(x -> cmd.add(String.valueOf(x)));
    return new Image(named, config, entrypoint, cmd);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(@Nullable Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<?> list(@Nullable Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  private static List<Map<?, ?>> maps(@Nullable Object o) {
    List<Map<?, ?>> out = new ArrayList<>();
    for (Object x : list(o)) {
      if (x instanceof Map<?, ?> m) {
        out.add(m);
      }
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
  }
}
