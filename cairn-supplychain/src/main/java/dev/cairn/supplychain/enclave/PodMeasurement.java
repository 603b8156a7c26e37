package dev.cairn.supplychain.enclave;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The reference measurement of a confidential pod: every container it runs, init containers (the
 * attestation agent among them) included, the runtime class it runs under and the TEE. Its digest
 * is SHA-256 over {@link #canonicalJson()} (version 1):
 *
 * <pre>{@code
 * {"containers":[{"args":[..],"config":"sha256:..","entrypoint":[..],"env":{..},
 *   "image":"sha256:..","name":".."}],
 *  "initContainers":[..],"runtimeClassName":"kata-qemu-tdx","tee":"tdx","version":1}
 * }</pre>
 *
 * Every container is in it because every container of a pod can read the memory volume the secrets
 * are written to: a sidecar nobody measured would be a way out.
 *
 * @param initContainers the pod's init containers, in order
 * @param containers the pod's containers, in order
 * @param runtimeClassName the pod's runtime class ({@code ""}: none)
 * @param tee the TEE that measures it ({@code simulation}, {@code tdx}, {@code sev-snp}, ...)
 */
public record PodMeasurement(
    List<ContainerFacts> initContainers,
    List<ContainerFacts> containers,
    String runtimeClassName,
    String tee) {
  /** The version of the measured document. */
  public static final int VERSION = 1;

  public PodMeasurement {
    initContainers = List.copyOf(initContainers);
    containers = List.copyOf(containers);
  }

  /** The measured document, canonical JSON. */
  public String canonicalJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", VERSION);
    m.put("initContainers", initContainers.stream().map(ContainerFacts::json).toList());
    m.put("containers", containers.stream().map(ContainerFacts::json).toList());
    m.put("runtimeClassName", runtimeClassName);
    m.put("tee", tee);
    return Json.canonical(m);
  }

  /** The reference measurement: SHA-256 of {@link #canonicalJson()}. */
  public Digest digest() {
    return Digest.sha256(canonicalJson().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The measurement of the pod {@code podSpec} (a Kubernetes PodSpec as plain maps) describes, its
   * images resolved by {@code images}: what the container runs is the pod spec's {@code command}
   * over the image's {@code Entrypoint}, and its {@code args} over the image's {@code Cmd} (which a
   * {@code command} alone discards), as Kubernetes runs them.
   *
   * @throws CairnException when a container names its image by tag rather than by digest, or an
   *     image can't be resolved
   */
  public static PodMeasurement of(Map<String, Object> podSpec, String tee, ImageFacts images)
      throws CairnException {
    Object rc = podSpec.get("runtimeClassName");
    return new PodMeasurement(
        containers(podSpec.get("initContainers"), "initContainers", images),
        containers(podSpec.get("containers"), "containers", images),
        rc instanceof String s ? s : "",
        tee);
  }

  private static List<ContainerFacts> containers(
      @Nullable Object list, String field, ImageFacts images) throws CairnException {
    List<ContainerFacts> out = new ArrayList<>();
    if (!(list instanceof List<?> l)) {
      return out;
    }
    for (Object o : l) {
      if (!(o instanceof Map<?, ?> c)) {
        throw new CairnException("spec." + field + " holds an entry that is not a container", null);
      }
      String name = String.valueOf(c.get("name"));
      Object imageValue = c.get("image");
      String image = imageValue instanceof String s ? s : "";
      if (!image.contains("@sha256:")) {
        throw new CairnException(
            "container "
                + name
                + " names its image "
                + (image.isEmpty() ? "(none)" : image)
                + " by tag: a confidential workload's images are measured by digest",
            "name it by digest (the pipeline's push step does: image@sha256:...)");
      }
      ImageFacts.Image facts = images.resolve(image);
      Digest named = Digest.parse(image.substring(image.indexOf('@') + 1));
      if (!named.equals(facts.manifest())) {
        throw new CairnException(
            "container " + name + ": " + image + " resolved to manifest " + facts.manifest(), null);
      }
      List<String> command = strings(c.get("command"));
      List<String> args = strings(c.get("args"));
      List<String> entrypoint;
      List<String> arguments;
      if (c.get("command") != null) {
        entrypoint = command;
        arguments = args;
      } else {
        entrypoint = facts.entrypoint();
        arguments = c.get("args") != null ? args : facts.cmd();
      }
      out.add(
          new ContainerFacts(
              name, facts.manifest(), facts.config(), entrypoint, arguments, env(c.get("env"))));
    }
    return out;
  }

  private static Map<String, String> env(@Nullable Object list) {
    Map<String, String> out = new TreeMap<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> e && e.get("name") instanceof String n) {
          Object from = e.get("valueFrom");
          if (from != null) {
            // the source, never the value: a secret's name and key say where, not what
            out.put(n, "valueFrom:" + Json.canonical(from));
          } else {
            Object v = e.get("value");
            out.put(n, v == null ? "" : String.valueOf(v));
          }
        }
      }
    }
    return out;
  }

  private static List<String> strings(@Nullable Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      for (Object x : l) {
        out.add(String.valueOf(x));
      }
    }
    return out;
  }
}
