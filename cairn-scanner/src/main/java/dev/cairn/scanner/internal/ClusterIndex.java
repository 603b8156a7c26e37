package dev.cairn.scanner.internal;

import dev.cairn.scanner.ClusterCollections;
import dev.cairn.scanner.KubeObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The collections relational checks declared, gathered while the scan streams (each object as a
 * small projection) and indexed once when it ends: maps by namespace and name, and effective RBAC.
 * {@link #add} is thread-safe; {@link #build} is called once, after every object was added.
 */
public final class ClusterIndex {
  static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final List<String> RBAC_COLLECTIONS =
      List.of("roles", "clusterroles", "rolebindings", "clusterrolebindings");

  private final Set<String> wanted;
  private final Map<String, List<Map<String, Object>>> gathered = new HashMap<>();

  /** group/resource to declared collection: one hash lookup per streamed object. */
  private final Map<String, String> byGroupResource = new HashMap<>();

  /** Gathers the collections in {@code declared} ({@code rbac} brings the four RBAC ones). */
  public ClusterIndex(Set<String> declared) {
    Set<String> w = new LinkedHashSet<>();
    for (String d : declared) {
      if (d.equals(ClusterCollections.RBAC)) {
        w.addAll(RBAC_COLLECTIONS);
      } else {
        w.add(d);
      }
    }
    this.wanted = Set.copyOf(w);
    for (String c : wanted) {
      gathered.put(c, new ArrayList<>());
      for (dev.cairn.scanner.ResourceRule r : ClusterCollections.resources(c)) {
        byGroupResource.put(r.group() + "/" + r.resource(), c);
      }
    }
  }

  /** The collection an object of this group/resource belongs to, when one was declared. */
  public @Nullable String collectionOf(String group, String resource) {
    return byGroupResource.get(group + "/" + resource);
  }

  /** Keeps the projection of {@code o}, an object of {@code collection}. */
  public void add(String collection, KubeObject o) {
    Map<String, Object> p = project(collection, o.content());
    List<Map<String, Object>> list = gathered.get(collection);
    if (list == null) {
      return;
    }
    synchronized (list) {
      list.add(p);
    }
  }

  /** What a check's own fields need, per collection; metadata is always kept. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> project(String collection, Map<String, Object> o) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("metadata", metadata(o.get("metadata")));
    switch (collection) {
      case "networkpolicies", "services", "ingresses" -> copy(o, out, "spec");
      case "roles", "clusterroles" -> copy(o, out, "rules", "aggregationRule");
      case "rolebindings", "clusterrolebindings" -> copy(o, out, "roleRef", "subjects");
      case "serviceaccounts" -> copy(o, out, "automountServiceAccountToken");
      case "validatingwebhookconfigurations", "mutatingwebhookconfigurations" -> {
        if (o.get("webhooks") instanceof List<?> hooks) {
          List<Object> hs = new ArrayList<>();
          for (Object h : hooks) {
            if (h instanceof Map<?, ?> hm) {
              Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) hm);
              // the CA bundle is the bulk of a webhook configuration, and no check reads it
              copy.remove("clientConfig");
              hs.add(copy);
            }
          }
          out.put("webhooks", hs);
        }
      }
      case "pods" -> {
        if (o.get("spec") instanceof Map<?, ?> spec) {
          Map<String, Object> s = new LinkedHashMap<>();
          for (String k :
              List.of(
                  "serviceAccountName",
                  "automountServiceAccountToken",
                  "nodeName",
                  "hostNetwork",
                  "hostPID",
                  "hostIPC")) {
            if (spec.get(k) != null) {
              s.put(k, spec.get(k));
            }
          }
          out.put("spec", s);
        }
      }
      default -> {}
    }
    return out;
  }

  private static void copy(Map<String, Object> from, Map<String, Object> to, String... keys) {
    for (String k : keys) {
      Object v = from.get(k);
      if (v != null) {
        to.put(k, v);
      }
    }
  }

  private static Map<String, Object> metadata(@Nullable Object m) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!(m instanceof Map<?, ?> meta)) {
      return out;
    }
    for (String k : List.of("name", "namespace", "labels", "ownerReferences", "uid")) {
      if (meta.get(k) != null) {
        out.put(k, meta.get(k));
      }
    }
    if (meta.get("annotations") instanceof Map<?, ?> a) {
      Map<Object, Object> ann = new LinkedHashMap<>(a);
      ann.remove(LAST_APPLIED);
      out.put("annotations", ann);
    }
    return out;
  }

  /** Indexes what was gathered; call once, after the last {@link #add}. */
  public Values build() {
    Map<String, Object> vars = new HashMap<>();
    for (String c : wanted) {
      vars.put(c, index(c, gathered.getOrDefault(c, List.of())));
    }
    Rbac rbac = null;
    if (wanted.containsAll(RBAC_COLLECTIONS)) {
      rbac = Rbac.of(gathered);
      vars.put(ClusterCollections.RBAC, rbac.value());
    }
    return new Values(vars, rbac);
  }

  private static boolean namespaced(String collection) {
    return switch (collection) {
      case "namespaces",
          "clusterroles",
          "clusterrolebindings",
          "validatingwebhookconfigurations",
          "mutatingwebhookconfigurations" ->
          false;
      default -> true;
    };
  }

  /** Name to object, or namespace to name to object; sorted, so evaluation is repeatable. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> index(String collection, List<Map<String, Object>> objects) {
    Map<String, Object> out = new TreeMap<>();
    boolean ns = namespaced(collection);
    for (Map<String, Object> o : objects) {
      Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
      String name = meta.get("name") instanceof String n ? n : "";
      if (ns) {
        String namespace = meta.get("namespace") instanceof String n ? n : "default";
        ((Map<String, Object>) out.computeIfAbsent(namespace, k -> new TreeMap<String, Object>()))
            .put(name, o);
      } else {
        out.put(name, o);
      }
    }
    return out;
  }

  /** The indexed collections of one scan, as CEL variables. */
  public static final class Values {
    private final Map<String, Object> variables;
    private final @Nullable Rbac rbac;

    Values(Map<String, Object> variables, @Nullable Rbac rbac) {
      this.variables = variables;
      this.rbac = rbac;
    }

    /** The variable of a declared collection; null for any other name. */
    public @Nullable Object get(String collection) {
      return variables.get(collection);
    }

    /**
     * The effective rules of an object judged by an RBAC check: of a binding, its role's (resolved
     * as the API server does); of a Role or ClusterRole, its own with aggregation; else none.
     */
    public List<Object> effectiveRules(String group, String kind, Map<String, Object> object) {
      return rbac == null ? List.of() : rbac.effectiveRules(group, kind, object);
    }
  }
}
