package dev.cairn.deploy.rollout;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import dev.cairn.core.Json;
import dev.cairn.scanner.KubeObject;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites every container image of a set of manifests to its digest: an image given by tag is
 * resolved in its registry ({@code HEAD} of the manifest), an image given by digest is kept as
 * {@code registry/repository@sha256:...}. Fails closed, naming every image it could not pin.
 */
final class ImagePins {
  private static final List<String> CONTAINER_LISTS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private final OciClient oci;

  ImagePins(OciClient oci) {
    this.oci = oci;
  }

  /** The objects with pinned images, and the images, in first-seen order. */
  record Pinned(List<KubeObject> objects, List<ImageRef> images) {}

  Pinned pin(List<KubeObject> objects) throws DeployException {
    List<KubeObject> out = new ArrayList<>();
    Set<ImageRef> images = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    Map<String, ImageRef> resolved = new LinkedHashMap<>();
    for (KubeObject o : objects) {
      Map<String, Object> copy = copy(o.content());
      for (Map<String, Object> spec : podSpecs(o.kind(), copy)) {
        for (String list : CONTAINER_LISTS) {
          if (!(spec.get(list) instanceof List<?> cs)) {
            continue;
          }
          for (Object c : cs) {
            if (!(c instanceof Map<?, ?>)) {
              continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> container = (Map<String, Object>) c;
            Object image = container.get("image");
            String where =
                o.display() + " (" + o.location() + ") container " + container.get("name");
            if (!(image instanceof String text) || text.isBlank()) {
              problems.add(where + " names no image");
              continue;
            }
            try {
              ImageRef pinned = resolved.get(text);
              if (pinned == null) {
                pinned = resolve(text, where);
                resolved.put(text, pinned);
              }
              container.put("image", pinned.toString());
              images.add(pinned);
            } catch (CairnException e) {
              problems.add(e.getMessage());
            }
          }
        }
      }
      KubeObject k = KubeObject.of(copy, o.location());
      out.add(k == null ? o : k);
    }
    if (!problems.isEmpty()) {
      throw new DeployException(
          "image",
          problems.size() == 1
              ? problems.get(0)
              : problems.size()
                  + " images cannot be pinned to a digest:\n  "
                  + String.join("\n  ", problems),
          "push the image with that tag, or give it by digest (registry/repository@sha256:...)",
          Fix.of("deploy.image-by-digest", "image", problems.get(0)),
          null);
    }
    return new Pinned(List.copyOf(out), List.copyOf(images));
  }

  private ImageRef resolve(String text, String where) throws CairnException {
    ImageRef ref;
    try {
      ref = ImageRef.parse(text);
    } catch (CairnException e) {
      throw new CairnException(where + ": " + e.getMessage(), null);
    }
    if (ref.digest() != null) {
      return ref.atDigest(ref.requireDigest());
    }
    if (ref.tag() == null) {
      throw new CairnException(
          where
              + ": image "
              + text
              + " names neither tag nor digest; a deploy pins a tag it can resolve, never an"
              + " implied :latest",
          null);
    }
    Optional<Descriptor> d;
    try {
      d = oci.headManifest(ref);
    } catch (CairnException e) {
      throw new CairnException(
          where + ": image " + text + " cannot be resolved to a digest: " + e.getMessage(), null);
    }
    if (d.isEmpty()) {
      throw new CairnException(
          where
              + ": image "
              + text
              + " cannot be resolved to a digest: registry "
              + ref.registry()
              + " has no tag "
              + ref.tag()
              + " in "
              + ref.repository(),
          null);
    }
    return ref.atDigest(d.get().digest());
  }

  /** The pod specs inside a workload (or pod) object, as live maps into {@code content}. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> podSpecs(String kind, Map<String, Object> content) {
    List<String> path =
        switch (kind) {
          case "Pod" -> List.of("spec");
          case "PodTemplate" -> List.of("template", "spec");
          case "CronJob" -> List.of("spec", "jobTemplate", "spec", "template", "spec");
          case "Deployment",
              "StatefulSet",
              "DaemonSet",
              "ReplicaSet",
              "ReplicationController",
              "Job" ->
              List.of("spec", "template", "spec");
          default -> List.of();
        };
    if (path.isEmpty()) {
      return List.of();
    }
    Object at = content;
    for (String p : path) {
      if (!(at instanceof Map<?, ?> m) || !(m.get(p) instanceof Map<?, ?> next)) {
        return List.of();
      }
      at = next;
    }
    return List.of((Map<String, Object>) at);
  }

  static Map<String, Object> copy(Map<String, Object> content) {
    try {
      return Json.parseObject(Json.canonical(content));
    } catch (IOException e) {
      throw new IllegalStateException("an object that was JSON is JSON again", e);
    }
  }

  static @Nullable String ns(KubeObject o) {
    return o.namespace();
  }
}
