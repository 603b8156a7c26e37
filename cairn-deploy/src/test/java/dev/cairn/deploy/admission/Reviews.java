package dev.cairn.deploy.admission;

/**
 * Real AdmissionReview v1 documents, as kube-apiserver v1.34 sends them (trimmed of userInfo
 * extras).
 */
final class Reviews {
  private Reviews() {}

  static String pod(String uid, String ns, String operation, String images) {
    return review(
        uid,
        ns,
        "",
        "v1",
        "Pod",
        "pods",
        "web",
        operation,
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"%s"},
         "spec":{%s,"restartPolicy":"Always"}}"""
            .formatted(ns, images),
        null);
  }

  /** {@code "containers":[{"name":"app","image":IMAGE}]}. */
  static String containers(String... nameImage) {
    StringBuilder b = new StringBuilder("\"containers\":[");
    for (int i = 0; i < nameImage.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"name\":\"")
          .append(nameImage[i])
          .append("\",\"image\":\"")
          .append(nameImage[i + 1])
          .append("\"}");
    }
    return b.append(']').toString();
  }

  static String deployment(String uid, String ns, String podSpec) {
    return review(
        uid,
        ns,
        "apps",
        "v1",
        "Deployment",
        "deployments",
        "api",
        "CREATE",
        """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"%s"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"api"}},
          "template":{"metadata":{"labels":{"app":"api"}},"spec":{%s}}}}"""
            .formatted(ns, podSpec),
        null);
  }

  static String cronJob(String uid, String ns, String podSpec) {
    return review(
        uid,
        ns,
        "batch",
        "v1",
        "CronJob",
        "cronjobs",
        "nightly",
        "CREATE",
        """
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly","namespace":"%s"},
         "spec":{"schedule":"0 3 * * *","jobTemplate":{"spec":{"template":{"spec":{%s,
          "restartPolicy":"OnFailure"}}}}}}"""
            .formatted(ns, podSpec),
        null);
  }

  static String review(
      String uid,
      String ns,
      String group,
      String version,
      String kind,
      String resource,
      String name,
      String operation,
      String object,
      @org.jspecify.annotations.Nullable String oldObject) {
    return """
        {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1",
         "request":{"uid":"%1$s",
          "kind":{"group":"%3$s","version":"%4$s","kind":"%5$s"},
          "resource":{"group":"%3$s","version":"%4$s","resource":"%6$s"},
          "requestKind":{"group":"%3$s","version":"%4$s","kind":"%5$s"},
          "requestResource":{"group":"%3$s","version":"%4$s","resource":"%6$s"},
          "name":"%7$s","namespace":"%2$s","operation":"%8$s",
          "userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},
          "object":%9$s,"oldObject":%10$s,"dryRun":false,
          "options":{"kind":"%11$s","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply"}}}"""
        .formatted(
            uid,
            ns,
            group,
            version,
            kind,
            resource,
            name,
            operation,
            object,
            oldObject == null ? "null" : oldObject,
            operation.equals("CREATE") ? "CreateOptions" : "UpdateOptions");
  }
}
