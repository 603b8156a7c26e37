package dev.cairn.scanner;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The collections of cluster objects a relational check may declare ({@link Check#collections()}):
 * each is a CEL variable of the same name, built once per scan from the objects of its resources. A
 * namespaced collection is a map from namespace to a map from name to object, a cluster-scoped one
 * a map from name to object; the objects are small projections (metadata without managed fields,
 * and the fields checks read), never whole objects. {@code rbac} is effective RBAC: bindings
 * resolved to subjects, aggregated ClusterRoles included (docs/checks.md, "Relational checks").
 */
public final class ClusterCollections {
  /** Effective RBAC: needs all four RBAC resources. */
  public static final String RBAC = "rbac";

  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  private static final String ADMISSION = "admissionregistration.k8s.io";
  private static final String NETWORKING = "networking.k8s.io";

  private static final Map<String, ResourceRule> SIMPLE =
      Map.ofEntries(
          Map.entry("namespaces", new ResourceRule("", "v1", "namespaces")),
          Map.entry("networkpolicies", new ResourceRule(NETWORKING, "v1", "networkpolicies")),
          Map.entry("roles", new ResourceRule(RBAC_GROUP, "v1", "roles")),
          Map.entry("rolebindings", new ResourceRule(RBAC_GROUP, "v1", "rolebindings")),
          Map.entry("clusterroles", new ResourceRule(RBAC_GROUP, "v1", "clusterroles")),
          Map.entry(
              "clusterrolebindings", new ResourceRule(RBAC_GROUP, "v1", "clusterrolebindings")),
          Map.entry("serviceaccounts", new ResourceRule("", "v1", "serviceaccounts")),
          Map.entry("services", new ResourceRule("", "v1", "services")),
          Map.entry("ingresses", new ResourceRule(NETWORKING, "v1", "ingresses")),
          Map.entry(
              "validatingwebhookconfigurations",
              new ResourceRule(ADMISSION, "v1", "validatingwebhookconfigurations")),
          Map.entry(
              "mutatingwebhookconfigurations",
              new ResourceRule(ADMISSION, "v1", "mutatingwebhookconfigurations")),
          Map.entry("pods", new ResourceRule("", "v1", "pods")));

  private ClusterCollections() {}

  /** Every collection name a check may declare, sorted. */
  public static Set<String> names() {
    java.util.TreeSet<String> out = new java.util.TreeSet<>(SIMPLE.keySet());
    out.add(RBAC);
    return out;
  }

  public static boolean isKnown(String name) {
    return name.equals(RBAC) || SIMPLE.containsKey(name);
  }

  /** The resources a collection is built from. */
  public static List<ResourceRule> resources(String name) {
    if (name.equals(RBAC)) {
      return List.of(
          SIMPLE.get("roles"),
          SIMPLE.get("clusterroles"),
          SIMPLE.get("rolebindings"),
          SIMPLE.get("clusterrolebindings"));
    }
    ResourceRule r = SIMPLE.get(name);
    return r == null ? List.of() : List.of(r);
  }

  /** The collection (not {@code rbac}) whose objects are of this group and resource. */
  public static Optional<String> of(String group, String resource) {
    for (Map.Entry<String, ResourceRule> e : SIMPLE.entrySet()) {
      if (e.getValue().group().equals(group) && e.getValue().resource().equals(resource)) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }
}
