package dev.cairn.scanner;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Cairn knows about Kubernetes kinds without asking an API server: plural resource names,
 * scope, and where the pod spec of a workload lives.
 */
public final class Kinds {
  /** A known kind. {@code podSpecPath} is empty when the kind has no pod spec. */
  public record KindInfo(
      String group, String kind, String resource, boolean namespaced, List<String> podSpecPath) {
    public KindInfo {
      podSpecPath = List.copyOf(podSpecPath);
    }

    public boolean hasPodSpec() {
      return !podSpecPath.isEmpty();
    }
  }

  private static final List<String> TEMPLATE = List.of("spec", "template");
  private static final List<KindInfo> KNOWN =
      List.of(
          new KindInfo("", "Pod", "pods", true, List.of("")),
          new KindInfo("", "PodTemplate", "podtemplates", true, List.of("template")),
          new KindInfo("", "ReplicationController", "replicationcontrollers", true, TEMPLATE),
          new KindInfo("apps", "Deployment", "deployments", true, TEMPLATE),
          new KindInfo("apps", "StatefulSet", "statefulsets", true, TEMPLATE),
          new KindInfo("apps", "DaemonSet", "daemonsets", true, TEMPLATE),
          new KindInfo("apps", "ReplicaSet", "replicasets", true, TEMPLATE),
          new KindInfo("batch", "Job", "jobs", true, TEMPLATE),
          new KindInfo(
              "batch",
              "CronJob",
              "cronjobs",
              true,
              List.of("spec", "jobTemplate", "spec", "template")),
          new KindInfo("", "Service", "services", true, List.of()),
          new KindInfo("", "ConfigMap", "configmaps", true, List.of()),
          new KindInfo("", "Secret", "secrets", true, List.of()),
          new KindInfo("", "ServiceAccount", "serviceaccounts", true, List.of()),
          new KindInfo("", "Namespace", "namespaces", false, List.of()),
          new KindInfo("", "Node", "nodes", false, List.of()),
          new KindInfo("", "PersistentVolume", "persistentvolumes", false, List.of()),
          new KindInfo("", "PersistentVolumeClaim", "persistentvolumeclaims", true, List.of()),
          new KindInfo("", "LimitRange", "limitranges", true, List.of()),
          new KindInfo("", "ResourceQuota", "resourcequotas", true, List.of()),
          new KindInfo("", "Endpoints", "endpoints", true, List.of()),
          new KindInfo("rbac.authorization.k8s.io", "Role", "roles", true, List.of()),
          new KindInfo(
              "rbac.authorization.k8s.io", "ClusterRole", "clusterroles", false, List.of()),
          new KindInfo("rbac.authorization.k8s.io", "RoleBinding", "rolebindings", true, List.of()),
          new KindInfo(
              "rbac.authorization.k8s.io",
              "ClusterRoleBinding",
              "clusterrolebindings",
              false,
              List.of()),
          new KindInfo("networking.k8s.io", "NetworkPolicy", "networkpolicies", true, List.of()),
          new KindInfo("networking.k8s.io", "Ingress", "ingresses", true, List.of()),
          new KindInfo("networking.k8s.io", "IngressClass", "ingressclasses", false, List.of()),
          new KindInfo("policy", "PodDisruptionBudget", "poddisruptionbudgets", true, List.of()),
          new KindInfo(
              "autoscaling",
              "HorizontalPodAutoscaler",
              "horizontalpodautoscalers",
              true,
              List.of()),
          new KindInfo("storage.k8s.io", "StorageClass", "storageclasses", false, List.of()),
          new KindInfo(
              "admissionregistration.k8s.io",
              "ValidatingWebhookConfiguration",
              "validatingwebhookconfigurations",
              false,
              List.of()),
          new KindInfo(
              "admissionregistration.k8s.io",
              "MutatingWebhookConfiguration",
              "mutatingwebhookconfigurations",
              false,
              List.of()),
          new KindInfo(
              "apiextensions.k8s.io",
              "CustomResourceDefinition",
              "customresourcedefinitions",
              false,
              List.of()));

  private static final Map<String, KindInfo> BY_GROUP_KIND =
      KNOWN.stream()
          .collect(
              java.util.stream.Collectors.toUnmodifiableMap(
                  k -> k.group() + "/" + k.kind(), k -> k));
  private static final Map<String, KindInfo> BY_GROUP_RESOURCE =
      KNOWN.stream()
          .collect(
              java.util.stream.Collectors.toUnmodifiableMap(
                  k -> k.group() + "/" + k.resource(), k -> k));

  private Kinds() {}

  /** The group of an {@code apiVersion}: {@code apps/v1 -> apps}, {@code v1 -> ""}. */
  public static String group(String apiVersion) {
    int i = apiVersion.indexOf('/');
    return i < 0 ? "" : apiVersion.substring(0, i);
  }

  /** The version of an {@code apiVersion}: {@code apps/v1 -> v1}. */
  public static String version(String apiVersion) {
    int i = apiVersion.indexOf('/');
    return i < 0 ? apiVersion : apiVersion.substring(i + 1);
  }

  public static Optional<KindInfo> byKind(String group, String kind) {
    return Optional.ofNullable(BY_GROUP_KIND.get(group + "/" + kind));
  }

  public static Optional<KindInfo> byResource(String group, String resource) {
    return Optional.ofNullable(BY_GROUP_RESOURCE.get(group + "/" + resource));
  }

  /** The plural resource name of a kind: the known one, else the API server's own rule. */
  public static String resourceOf(String group, String kind) {
    KindInfo k = BY_GROUP_KIND.get(group + "/" + kind);
    return k != null ? k.resource() : guessPlural(kind);
  }

  static String guessPlural(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    if (k.endsWith("s")
        || k.endsWith("x")
        || k.endsWith("z")
        || k.endsWith("ch")
        || k.endsWith("sh")) {
      return k + "es";
    }
    if (k.endsWith("y") && k.length() > 1 && "aeiou".indexOf(k.charAt(k.length() - 2)) < 0) {
      return k.substring(0, k.length() - 1) + "ies";
    }
    return k + "s";
  }

  /** True for the group/resources whose objects carry a pod spec (as Marvin defines them). */
  public static boolean isPodSpecResource(String group, String resource) {
    KindInfo k = BY_GROUP_RESOURCE.get(group + "/" + resource);
    return k != null && k.hasPodSpec();
  }

  /** The pod template ({@code metadata} + {@code spec}) of a workload, or null. */
  @SuppressWarnings("unchecked")
  public static @Nullable Map<String, Object> podTemplate(
      String group, String kind, Map<String, Object> object) {
    KindInfo k = BY_GROUP_KIND.get(group + "/" + kind);
    if (k == null || !k.hasPodSpec()) {
      return null;
    }
    if (k.podSpecPath().equals(List.of(""))) {
      return object;
    }
    Object cur = object;
    for (String p : k.podSpecPath()) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(p);
    }
    return cur instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  /** Every known kind. */
  public static List<KindInfo> known() {
    return KNOWN;
  }
}
