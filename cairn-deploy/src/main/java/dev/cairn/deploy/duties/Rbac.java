package dev.cairn.deploy.duties;

import dev.cairn.core.CairnException;
import dev.cairn.deploy.internal.AccessReviews;
import dev.cairn.scanner.ClusterOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Kubernetes side of the duties: one ServiceAccount per duty with the fewest verbs and
 * resources its job needs ({@link #render}), and a check of what a live cluster really grants them
 * ({@link #check}).
 *
 * <ul>
 *   <li>Dev (the build identity): no Kubernetes verbs at all — builds push to a registry.
 *   <li>Ops (the deploy identity): get/list/watch/patch/create on Deployments, StatefulSets and
 *       DaemonSets, read on ReplicaSets, Pods and pods/log (the rollout's reasons), in its
 *       namespace only; no Secrets.
 *   <li>Sec (the scanner): get/list across the cluster on what checks read, never Secrets.
 *   <li>Viewer: get/list/watch on workloads, Pods, Services and Events in the namespace; no
 *       Secrets, no logs.
 * </ul>
 */
public final class Rbac {
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final List<String> READ = List.of("get", "list", "watch");

  /**
   * One RBAC rule.
   *
   * @param group API group ("" = core)
   * @param resources resources, {@code pods/log} for a subresource
   * @param verbs verbs
   */
  public record Rule(String group, List<String> resources, List<String> verbs) {
    public Rule {
      resources = List.copyOf(resources);
      verbs = List.copyOf(verbs);
    }

    boolean covers(String g, String resource, String verb) {
      return group.equals(g) && resources.contains(resource) && verbs.contains(verb);
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("apiGroups", List.of(group));
      m.put("resources", resources);
      m.put("verbs", verbs);
      return m;
    }
  }

  /**
   * A duty's identity in the cluster.
   *
   * @param duty the duty
   * @param serviceAccount its ServiceAccount's name
   * @param clusterWide whether its rules hold in every namespace (a ClusterRole) or only its own
   * @param rules what it may do
   * @param needed what its job cannot do without, as {@code verb group/resource} probes
   */
  public record Grant(Duty duty, String serviceAccount, boolean clusterWide, List<Rule> rules) {
    public Grant {
      rules = List.copyOf(rules);
    }

    boolean covers(String group, String resource, String verb, String ns, String home) {
      if (!clusterWide && !ns.equals(home)) {
        return false;
      }
      return rules.stream().anyMatch(r -> r.covers(group, resource, verb));
    }
  }

  /**
   * What {@link #render} writes for one namespace.
   *
   * @param namespace where the ServiceAccounts live
   * @param grants per duty
   * @param objects the Kubernetes objects
   */
  public record Plan(String namespace, List<Grant> grants, List<Map<String, Object>> objects) {
    public Plan {
      grants = List.copyOf(grants);
      objects = List.copyOf(objects);
    }

    /** The objects as a YAML stream, for kubectl apply or cairn deploy. */
    public String yaml() {
      return AccessReviews.yaml(objects);
    }
  }

  /**
   * Where the cluster differs from the plan for one duty.
   *
   * @param duty whose
   * @param serviceAccount its ServiceAccount
   * @param verb the verb
   * @param resource {@code group/resource}, or {@code resource} for the core group
   * @param namespace where ("" = cluster scope)
   * @param reason the authorizer's reason (which binding allowed it), when it says
   */
  public record Finding(
      Duty duty,
      String serviceAccount,
      String verb,
      String resource,
      String namespace,
      String reason) {
    public String describe(String what) {
      return serviceAccount
          + " ("
          + duty
          + ") "
          + what
          + " "
          + verb
          + " "
          + resource
          + (namespace.isEmpty() ? " cluster-wide" : " in namespace " + namespace)
          + (reason.isEmpty() ? "" : " — " + reason);
    }
  }

  /**
   * The cluster's answers.
   *
   * @param excess what a duty may do beyond its plan
   * @param missing what its plan needs and the cluster refuses
   * @param reviews how many access reviews were asked
   */
  public record Report(List<Finding> excess, List<Finding> missing, int reviews) {
    public Report {
      excess = List.copyOf(excess);
      missing = List.copyOf(missing);
    }

    public boolean clean() {
      return excess.isEmpty() && missing.isEmpty();
    }
  }

  private Rbac() {}

  public static String serviceAccount(Duty d) {
    return "cairn-" + d.title().toLowerCase(java.util.Locale.ROOT);
  }

  /** The grants for the duties' ServiceAccounts in {@code namespace}. */
  public static List<Grant> grants() {
    List<String> deployVerbs = List.of("get", "list", "watch", "patch", "create");
    return List.of(
        new Grant(Duty.DEV, serviceAccount(Duty.DEV), false, List.of()),
        new Grant(
            Duty.OPS,
            serviceAccount(Duty.OPS),
            false,
            List.of(
                new Rule("apps", List.of("deployments", "statefulsets", "daemonsets"), deployVerbs),
                new Rule("apps", List.of("replicasets"), READ),
                new Rule("", List.of("pods"), READ),
                new Rule("", List.of("pods/log"), List.of("get")))),
        new Grant(
            Duty.SEC,
            serviceAccount(Duty.SEC),
            true,
            List.of(
                new Rule(
                    "",
                    List.of("namespaces", "pods", "services", "serviceaccounts", "nodes"),
                    List.of("get", "list")),
                new Rule(
                    "apps",
                    List.of("deployments", "statefulsets", "daemonsets", "replicasets"),
                    List.of("get", "list")),
                new Rule("batch", List.of("jobs", "cronjobs"), List.of("get", "list")),
                new Rule(
                    "networking.k8s.io",
                    List.of("networkpolicies", "ingresses"),
                    List.of("get", "list")),
                new Rule(
                    "rbac.authorization.k8s.io",
                    List.of("roles", "rolebindings", "clusterroles", "clusterrolebindings"),
                    List.of("get", "list")))),
        new Grant(
            Duty.VIEWER,
            serviceAccount(Duty.VIEWER),
            false,
            List.of(
                new Rule(
                    "apps",
                    List.of("deployments", "statefulsets", "daemonsets", "replicasets"),
                    READ),
                new Rule("", List.of("pods", "services", "events"), READ),
                new Rule("batch", List.of("jobs"), READ))));
  }

  /**
   * ServiceAccounts, Roles, RoleBindings (and Sec's ClusterRole and binding) for {@code namespace}.
   */
  public static Plan render(String namespace) throws DutyException {
    checkNamespace(namespace);
    List<Grant> grants = grants();
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Grant g : grants) {
      objects.add(
          object(
              "v1",
              "ServiceAccount",
              g.serviceAccount(),
              namespace,
              Map.of("automountServiceAccountToken", false)));
    }
    for (Grant g : grants) {
      if (g.rules().isEmpty()) {
        continue;
      }
      List<Object> rules = g.rules().stream().map(r -> (Object) r.toMap()).toList();
      String roleKind = g.clusterWide() ? "ClusterRole" : "Role";
      String roleName = g.clusterWide() ? g.serviceAccount() + "-" + namespace : g.serviceAccount();
      objects.add(
          object(
              "rbac.authorization.k8s.io/v1",
              roleKind,
              roleName,
              g.clusterWide() ? null : namespace,
              Map.of("rules", rules)));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put(
          "roleRef",
          Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", roleKind, "name", roleName));
      body.put(
          "subjects",
          List.of(
              Map.of(
                  "kind", "ServiceAccount", "name", g.serviceAccount(), "namespace", namespace)));
      objects.add(
          object(
              "rbac.authorization.k8s.io/v1",
              g.clusterWide() ? "ClusterRoleBinding" : "RoleBinding",
              roleName,
              g.clusterWide() ? null : namespace,
              body));
    }
    return new Plan(namespace, grants, objects);
  }

  private static Map<String, Object> object(
      String apiVersion,
      String kind,
      String name,
      @org.jspecify.annotations.Nullable String ns,
      Map<String, Object> body) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    if (ns != null) {
      meta.put("namespace", ns);
    }
    meta.put("labels", Map.of("app.kubernetes.io/managed-by", "cairn", "cairn.dev/duties", "true"));
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    o.put("metadata", meta);
    o.putAll(body);
    return o;
  }

  /** What the checks ask about: resources, with whether they are namespaced. */
  private record Probe(String group, String resource, boolean namespaced) {}

  private static final List<Probe> PROBES =
      List.of(
          new Probe("", "secrets", true),
          new Probe("", "configmaps", true),
          new Probe("", "pods", true),
          new Probe("", "pods/log", true),
          new Probe("", "pods/exec", true),
          new Probe("", "services", true),
          new Probe("", "serviceaccounts", true),
          new Probe("", "serviceaccounts/token", true),
          new Probe("", "namespaces", false),
          new Probe("", "nodes", false),
          new Probe("apps", "deployments", true),
          new Probe("apps", "statefulsets", true),
          new Probe("apps", "daemonsets", true),
          new Probe("apps", "replicasets", true),
          new Probe("batch", "jobs", true),
          new Probe("rbac.authorization.k8s.io", "roles", true),
          new Probe("rbac.authorization.k8s.io", "rolebindings", true),
          new Probe("rbac.authorization.k8s.io", "clusterroles", false),
          new Probe("rbac.authorization.k8s.io", "clusterrolebindings", false));

  private static final List<String> VERBS =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");

  /**
   * Asks the cluster (SubjectAccessReview, as the kubeconfig's user) what each duty's
   * ServiceAccount in {@code namespace} may do, over a fixed set of verbs and resources in its
   * namespace, in {@code otherNamespace} and cluster-wide, plus {@code escalate}, {@code bind} and
   * {@code impersonate}; reports what is allowed beyond the plan and what the plan needs but is
   * refused.
   */
  public static Report check(ClusterOptions cluster, String namespace, String otherNamespace)
      throws CairnException {
    checkNamespace(namespace);
    checkNamespace(otherNamespace);
    List<Finding> excess = new ArrayList<>();
    List<Finding> missing = new ArrayList<>();
    int n = 0;
    try (AccessReviews reviews = new AccessReviews(cluster)) {
      for (Grant g : grants()) {
        String user = "system:serviceaccount:" + namespace + ":" + g.serviceAccount();
        List<String> groups =
            List.of(
                "system:serviceaccounts",
                "system:serviceaccounts:" + namespace,
                "system:authenticated");
        for (Probe p : PROBES) {
          List<String> scopes =
              p.namespaced() ? List.of(namespace, otherNamespace, "") : List.of("");
          for (String ns : scopes) {
            for (String verb : VERBS) {
              String[] rs = p.resource().split("/", 2);
              AccessReviews.Answer a =
                  reviews.review(
                      user, groups, verb, p.group(), rs[0], rs.length > 1 ? rs[1] : "", ns);
              n++;
              boolean planned =
                  g.covers(p.group(), p.resource(), verb, ns, namespace)
                      || (g.clusterWide()
                          && ns.isEmpty()
                          && g.rules().stream()
                              .anyMatch(r -> r.covers(p.group(), p.resource(), verb)));
              String res = p.group().isEmpty() ? p.resource() : p.group() + "/" + p.resource();
              if (a.allowed() && !planned) {
                excess.add(new Finding(g.duty(), g.serviceAccount(), verb, res, ns, a.reason()));
              } else if (!a.allowed() && planned && !ns.equals(otherNamespace)) {
                missing.add(new Finding(g.duty(), g.serviceAccount(), verb, res, ns, ""));
              }
            }
          }
        }
        for (String[] special :
            new String[][] {
              {"escalate", "rbac.authorization.k8s.io", "roles"},
              {"bind", "rbac.authorization.k8s.io", "roles"},
              {"escalate", "rbac.authorization.k8s.io", "clusterroles"},
              {"bind", "rbac.authorization.k8s.io", "clusterroles"},
              {"impersonate", "", "users"},
              {"impersonate", "", "serviceaccounts"}
            }) {
          for (String ns : List.of(namespace, "")) {
            AccessReviews.Answer a =
                reviews.review(user, groups, special[0], special[1], special[2], "", ns);
            n++;
            if (a.allowed()) {
              String res = special[1].isEmpty() ? special[2] : special[1] + "/" + special[2];
              excess.add(
                  new Finding(g.duty(), g.serviceAccount(), special[0], res, ns, a.reason()));
            }
          }
        }
      }
    }
    return new Report(excess, missing, n);
  }

  private static void checkNamespace(String ns) throws DutyException {
    if (!NAMESPACE.matcher(ns).matches()) {
      throw new DutyException(
          "'" + ns + "' is not a namespace name",
          "name a namespace of lower-case letters, digits and '-'");
    }
  }
}
