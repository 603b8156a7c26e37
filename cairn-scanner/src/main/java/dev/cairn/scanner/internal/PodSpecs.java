package dev.cairn.scanner.internal;

import dev.cairn.scanner.Kinds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes {@code podMeta}, {@code podSpec} and {@code allContainers} as Marvin does. Marvin
 * round-trips them through the typed Kubernetes API structs, which drops unset ("omitempty") zero
 * values such as {@code hostNetwork: false} but keeps explicitly set pointer fields such as {@code
 * privileged: false}, and gives every container a {@code resources} map. We mirror that here on
 * plain maps so Marvin's checks see the same data.
 */
public final class PodSpecs {
  /** Fields that are pointers (or not omitempty) in k8s.io/api: an explicit zero value survives. */
  private static final Set<String> KEEP_ZERO =
      Set.of(
          // PodSpec
          "automountServiceAccountToken",
          "shareProcessNamespace",
          "hostUsers",
          "enableServiceLinks",
          "setHostnameAsFQDN",
          "terminationGracePeriodSeconds",
          "activeDeadlineSeconds",
          "priority",
          "runtimeClassName",
          "preemptionPolicy",
          // SecurityContext / PodSecurityContext (all pointers)
          "privileged",
          "runAsUser",
          "runAsGroup",
          "runAsNonRoot",
          "readOnlyRootFilesystem",
          "allowPrivilegeEscalation",
          "procMount",
          "fsGroup",
          "fsGroupChangePolicy",
          "hostProcess",
          "supplementalGroupsPolicy",
          "seLinuxChangePolicy",
          // Container, ContainerPort, probes
          "containerPort",
          "port",
          "name",
          "image",
          // volumes: pointer booleans
          "readOnly",
          "optional",
          "defaultMode");

  /** Fields of Go map type (omitempty): an empty one disappears. Empty structs stay. */
  private static final Set<String> MAP_FIELDS =
      Set.of("nodeSelector", "labels", "annotations", "limits", "requests", "overhead", "claims");

  private PodSpecs() {}

  /** The three values, computed once per object; empty values for kinds without a pod spec. */
  public record Parts(
      Map<String, Object> podMeta, Map<String, Object> podSpec, List<Object> allContainers) {
    static final Parts EMPTY = new Parts(Map.of(), Map.of(), List.of());
  }

  @SuppressWarnings("unchecked")
  public static Parts of(String group, String kind, Map<String, Object> object) {
    Map<String, Object> template = Kinds.podTemplate(group, kind, object);
    if (template == null) {
      return Parts.EMPTY;
    }
    Map<String, Object> meta =
        template.get("metadata") instanceof Map<?, ?> m
            ? (Map<String, Object>) normalize(m)
            : new LinkedHashMap<>();
    Map<String, Object> spec =
        template.get("spec") instanceof Map<?, ?> s
            ? (Map<String, Object>) normalize(s)
            : new LinkedHashMap<>();
    List<Object> all = new ArrayList<>();
    for (String key : List.of("containers", "initContainers", "ephemeralContainers")) {
      if (spec.get(key) instanceof List<?> cs) {
        for (Object c : cs) {
          if (c instanceof Map<?, ?> cm) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) cm);
            copy.remove("targetContainerName");
            copy.putIfAbsent("resources", Map.of());
            all.add(copy);
          }
        }
      }
    }
    if (spec.get("containers") instanceof List<?> cs) {
      spec.put("containers", withResources(cs));
    }
    if (spec.get("initContainers") instanceof List<?> cs) {
      spec.put("initContainers", withResources(cs));
    }
    return new Parts(meta, spec, all);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> withResources(List<?> cs) {
    List<Object> out = new ArrayList<>(cs.size());
    for (Object c : cs) {
      if (c instanceof Map<?, ?> cm && !cm.containsKey("resources")) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) cm);
        copy.put("resources", Map.of());
        out.add(copy);
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** Drops omitempty zero values (false, 0, "", empty list or map) except for pointer fields. */
  static Object normalize(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = String.valueOf(e.getKey());
        Object val = e.getValue();
        if (val == null) {
          continue;
        }
        Object n = normalize(val);
        boolean drop =
            n instanceof Map<?, ?> nm
                ? nm.isEmpty() && MAP_FIELDS.contains(k)
                : isZero(n) && !KEEP_ZERO.contains(k);
        if (drop) {
          continue;
        }
        out.put(k, n);
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        if (o != null) {
          out.add(normalize(o));
        }
      }
      return out;
    }
    return v;
  }

  private static boolean isZero(Object v) {
    return (v instanceof Boolean b && !b)
        || (v instanceof Long l && l == 0L)
        || (v instanceof Double d && d == 0.0)
        || (v instanceof String s && s.isEmpty())
        || (v instanceof List<?> l && l.isEmpty());
  }
}
