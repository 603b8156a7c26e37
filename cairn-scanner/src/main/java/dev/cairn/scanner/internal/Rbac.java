package dev.cairn.scanner.internal;

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
 * Effective RBAC of one scan, computed once: every ClusterRole's rules with those of the
 * ClusterRoles its {@code aggregationRule} selects (transitively, as the aggregation controller
 * fills them in), every binding's role resolved, and every subject's grants. Rules are normalized
 * (all five lists present, possibly empty) so that CEL reads them without {@code has()}.
 *
 * <p>The CEL variable {@code rbac} is a map: {@code roles} from a role key ({@code
 * ClusterRole:NAME}, {@code Role:NAMESPACE:NAME}) to its effective rules; {@code subjects} from a
 * subject key ({@code User:NAME}, {@code Group:NAME}, {@code ServiceAccount:NAMESPACE:NAME}) to its
 * grants, each {@code {binding, kind, name, namespace, scope, role, rules}} where {@code scope} is
 * the namespace the grant holds in ({@code ""}: cluster-wide).
 */
final class Rbac {
  private final Map<String, List<Object>> roleRules;
  private final Map<String, Object> value;

  private Rbac(Map<String, List<Object>> roleRules, Map<String, Object> value) {
    this.roleRules = roleRules;
    this.value = value;
  }

  Map<String, Object> value() {
    return value;
  }

  @SuppressWarnings("unchecked")
  static Rbac of(Map<String, List<Map<String, Object>>> gathered) {
    Map<String, Map<String, Object>> clusterRoles = new TreeMap<>();
    for (Map<String, Object> cr : gathered.getOrDefault("clusterroles", List.of())) {
      clusterRoles.put(name(cr), cr);
    }
    Map<String, List<Object>> roleRules = new TreeMap<>();
    for (String n : clusterRoles.keySet()) {
      roleRules.put("ClusterRole:" + n, aggregated(n, clusterRoles));
    }
    for (Map<String, Object> r : gathered.getOrDefault("roles", List.of())) {
      roleRules.put("Role:" + namespace(r) + ":" + name(r), normalized(r.get("rules")));
    }
    Map<String, List<Object>> subjects = new TreeMap<>();
    for (String kind : List.of("clusterrolebindings", "rolebindings")) {
      for (Map<String, Object> b : gathered.getOrDefault(kind, List.of())) {
        boolean cluster = kind.equals("clusterrolebindings");
        String ns = cluster ? "" : namespace(b);
        String roleKey = roleKey(b, ns);
        List<Object> rules =
            roleKey == null ? List.of() : roleRules.getOrDefault(roleKey, List.of());
        String bindingKind = cluster ? "ClusterRoleBinding" : "RoleBinding";
        String bindingKey = bindingKind + ":" + (cluster ? "" : ns + ":") + name(b);
        if (!(b.get("subjects") instanceof List<?> ss)) {
          continue;
        }
        for (Object so : ss) {
          if (!(so instanceof Map<?, ?> s)) {
            continue;
          }
          String key = subjectKey((Map<String, Object>) s, ns);
          if (key == null) {
            continue;
          }
          Map<String, Object> grant = new LinkedHashMap<>();
          grant.put("binding", bindingKey);
          grant.put("kind", bindingKind);
          grant.put("name", name(b));
          grant.put("namespace", ns);
          grant.put("scope", ns);
          grant.put("role", roleKey == null ? "" : roleKey);
          grant.put("rules", rules);
          subjects.computeIfAbsent(key, k -> new ArrayList<>()).add(grant);
        }
      }
    }
    Map<String, Object> value = new HashMap<>();
    value.put("roles", roleRules);
    value.put("subjects", subjects);
    return new Rbac(roleRules, value);
  }

  /** The key of a binding's role; a RoleBinding's Role is in the binding's own namespace. */
  private static @Nullable String roleKey(Map<String, Object> binding, String ns) {
    if (!(binding.get("roleRef") instanceof Map<?, ?> ref)
        || !(ref.get("name") instanceof String n)) {
      return null;
    }
    return "Role".equals(ref.get("kind")) ? "Role:" + ns + ":" + n : "ClusterRole:" + n;
  }

  /** {@code User:NAME}, {@code Group:NAME}, {@code ServiceAccount:NAMESPACE:NAME}; null if odd. */
  static @Nullable String subjectKey(Map<String, Object> s, String bindingNamespace) {
    if (!(s.get("kind") instanceof String kind) || !(s.get("name") instanceof String name)) {
      return null;
    }
    return switch (kind) {
      case "ServiceAccount" ->
          "ServiceAccount:"
              + (s.get("namespace") instanceof String n && !n.isEmpty() ? n : bindingNamespace)
              + ":"
              + name;
      case "User", "Group" -> kind + ":" + name;
      default -> null;
    };
  }

  /** A ClusterRole's rules and, transitively, those of the ClusterRoles it aggregates. */
  private static List<Object> aggregated(String root, Map<String, Map<String, Object>> all) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(root));
    List<Object> rules = new ArrayList<>();
    Set<Object> unique = new LinkedHashSet<>();
    while (!todo.isEmpty()) {
      String n = todo.remove(todo.size() - 1);
      Map<String, Object> cr = all.get(n);
      if (cr == null || !seen.add(n)) {
        continue;
      }
      for (Object r : normalized(cr.get("rules"))) {
        if (unique.add(r)) {
          rules.add(r);
        }
      }
      if (cr.get("aggregationRule") instanceof Map<?, ?> ag
          && ag.get("clusterRoleSelectors") instanceof List<?> sels) {
        for (Map.Entry<String, Map<String, Object>> e : all.entrySet()) {
          if (seen.contains(e.getKey())) {
            continue;
          }
          Map<?, ?> labels = labels(e.getValue());
          for (Object sel : sels) {
            if (sel instanceof Map<?, ?> sm && selects(sm, labels)) {
              todo.add(e.getKey());
              break;
            }
          }
        }
      }
    }
    return List.copyOf(rules);
  }

  /** A label selector ({@code matchLabels}, {@code matchExpressions}); an empty one selects all. */
  static boolean selects(Map<?, ?> selector, Map<?, ?> labels) {
    if (selector.get("matchLabels") instanceof Map<?, ?> ml) {
      for (Map.Entry<?, ?> e : ml.entrySet()) {
        if (!String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey())))) {
          return false;
        }
      }
    }
    if (selector.get("matchExpressions") instanceof List<?> exprs) {
      for (Object x : exprs) {
        if (!(x instanceof Map<?, ?> m) || !(m.get("key") instanceof String key)) {
          return false;
        }
        List<?> values = m.get("values") instanceof List<?> v ? v : List.of();
        Object have = labels.get(key);
        boolean ok =
            switch (String.valueOf(m.get("operator"))) {
              case "In" -> have != null && values.contains(have);
              case "NotIn" -> have == null || !values.contains(have);
              case "Exists" -> labels.containsKey(key);
              case "DoesNotExist" -> !labels.containsKey(key);
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  private static Map<?, ?> labels(Map<String, Object> o) {
    return o.get("metadata") instanceof Map<?, ?> m && m.get("labels") instanceof Map<?, ?> l
        ? l
        : Map.of();
  }

  private static final List<String> RULE_LISTS =
      List.of("apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs");

  /** Rules with every list present, so that CEL needs no {@code has()} or {@code ?}. */
  static List<Object> normalized(@Nullable Object rules) {
    if (!(rules instanceof List<?> rs)) {
      return List.of();
    }
    List<Object> out = new ArrayList<>(rs.size());
    for (Object r : rs) {
      if (!(r instanceof Map<?, ?> m)) {
        continue;
      }
      Map<String, Object> n = new LinkedHashMap<>();
      for (String k : RULE_LISTS) {
        n.put(k, m.get(k) instanceof List<?> l ? List.copyOf(l) : List.of());
      }
      out.add(n);
    }
    return out;
  }

  /**
   * True when one of {@code rules} grants {@code verb} on {@code group}/{@code resource} (a
   * resource may name a subresource, {@code nodes/proxy}); {@code *} in a rule matches anything,
   * {@code x/*} every subresource of x. resourceNames are ignored: a rule limited to some names
   * still grants the verb on those.
   */
  static boolean allows(List<?> rules, String verb, String group, String resource) {
    for (Object r : rules) {
      if (r instanceof Map<?, ?> m
          && any(m.get("verbs"), verb)
          && any(m.get("apiGroups"), group)
          && resourceMatches(m.get("resources"), resource)) {
        return true;
      }
    }
    return false;
  }

  private static boolean any(@Nullable Object list, String want) {
    if (list instanceof List<?> l) {
      for (Object o : l) {
        if ("*".equals(o) || want.equals(o)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean resourceMatches(@Nullable Object list, String want) {
    if (!(list instanceof List<?> l)) {
      return false;
    }
    int slash = want.indexOf('/');
    for (Object o : l) {
      if ("*".equals(o) || want.equals(o)) {
        return true;
      }
      if (slash > 0 && o instanceof String s && s.equals(want.substring(0, slash) + "/*")) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  List<Object> effectiveRules(String group, String kind, Map<String, Object> object) {
    if (!group.equals(ClusterIndex.RBAC_GROUP)) {
      return List.of();
    }
    String ns = namespace(object);
    String key =
        switch (kind) {
          case "ClusterRole" -> "ClusterRole:" + name(object);
          case "Role" -> "Role:" + ns + ":" + name(object);
          case "ClusterRoleBinding" -> roleKey(object, "");
          case "RoleBinding" -> roleKey(object, ns);
          default -> null;
        };
    if (key == null) {
      return List.of();
    }
    List<Object> r = roleRules.get(key);
    if (r != null) {
      return r;
    }
    // a role not in the scan (another namespace filter, or only manifests): its own rules
    return kind.endsWith("Role") ? normalized(object.get("rules")) : List.of();
  }

  private static String name(Map<String, Object> o) {
    return o.get("metadata") instanceof Map<?, ?> m && m.get("name") instanceof String n ? n : "";
  }

  private static String namespace(Map<String, Object> o) {
    return o.get("metadata") instanceof Map<?, ?> m && m.get("namespace") instanceof String n
        ? n
        : "default";
  }
}
