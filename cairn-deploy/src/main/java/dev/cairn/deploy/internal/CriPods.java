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
import java.util.concurrent.ConcurrentHashMap;
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
  private final Map<String, String> addressOfSandbox = new ConcurrentHashMap<>();

  public CriPods(Path crictl, String endpoint, ClusterOptions cluster) throws ScanException {
    this.crictl = new Crictl(crictl, endpoint);
    this.client = ServerSideApply.client(cluster);
  }

  @Override
  public Optional<Pod> byAddress(String address) throws CairnException {
    Map<String, Object> pods = crictl.json(List.of("pods", "--state", "ready"));
    for (Map<?, ?> item : maps(pods.get("items"))) {
      String id = String.valueOf(item.get("id"));
      String ip = addressOfSandbox.get(id);
      Map<String, Object> status = null;
      if (ip == null) {
        Map<String, Object> inspected;
        try {
          inspected = crictl.json(List.of("inspectp", id));
        } catch (CairnException gone) {
          continue; // listed, then gone (or a sandbox the runtime lost): not the caller's
        }
        status = map(inspected.get("status"));
        ip = String.valueOf(map(status.get("network")).get("ip"));
        addressOfSandbox.put(id, ip);
      }
      if (!ip.equals(address)) {
        continue;
      }
      if (status == null) {
        status = map(crictl.json(List.of("inspectp", id)).get("status"));
      }
      Map<String, Object> meta = map(status.get("metadata"));
      String ns = String.valueOf(meta.get("namespace"));
      String name = String.valueOf(meta.get("name"));
      String uid = String.valueOf(meta.get("uid"));
      String handler = status.get("runtimeHandler") instanceof String h ? h : "";
      io.fabric8.kubernetes.api.model.Pod pod;
      String expected = "";
      try {
        pod = client.pods().inNamespace(ns).withName(name).get();
        if (pod == null || !uid.equals(pod.getMetadata().getUid())) {
          throw new CairnException(
              "pod " + ns + "/" + name + " (uid " + uid + ") is not the API server's", null);
        }
        String rc = pod.getSpec().getRuntimeClassName();
        if (rc != null && !rc.isEmpty()) {
          RuntimeClass c = client.resources(RuntimeClass.class).withName(rc).get();
          if (c == null) {
            throw new CairnException(
                "runtime class " + rc + " of " + ns + "/" + name + " is gone", null);
          }
          expected = c.getHandler();
        } else {
          expected = handler; // no class: whatever the node runs by default, as measured
        }
      } catch (KubernetesClientException e) {
        throw new CairnException(
            "cannot read pod " + ns + "/" + name + " from the API server: " + e.getMessage(),
            "check the platform service's kubeconfig: it reads pods and runtime classes",
            e);
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
