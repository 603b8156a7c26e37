package dev.cairn.deploy.admission;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code admissionregistration.k8s.io/v1} ValidatingWebhookConfiguration that installs the
 * webhook ({@code docs/admission.md}): Pods (and their ephemeral containers) and the workloads with
 * pod templates, on CREATE and UPDATE, in the namespaces the selector picks; {@code sideEffects:
 * None}, {@code admissionReviewVersions: [v1]}, and fail closed unless asked otherwise.
 *
 * @param name the configuration's name (and, with {@code .cairn.dev}, its webhook's)
 * @param url where the API server calls it ({@code https://…/validate})
 * @param caPem the CA that signed the webhook's serving certificate (PEM)
 * @param timeoutSeconds how long the API server waits (1 to 30)
 * @param failClosed {@code failurePolicy: Fail} (true) or {@code Ignore}
 * @param namespaceLabels the labels an enforced namespace carries (all of them)
 */
public record WebhookConfiguration(
    String name,
    URI url,
    String caPem,
    int timeoutSeconds,
    boolean failClosed,
    Map<String, String> namespaceLabels) {
  /** The label that marks a namespace as enforced. */
  public static final String ENFORCE_LABEL = "cairn.dev/enforce";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
  private static final Pattern LABEL_KEY =
      Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  public WebhookConfiguration {
    if (!NAME.matcher(name).matches() || name.length() > 200) {
      throw new IllegalArgumentException("not a Kubernetes object name: " + name);
    }
    if (!"https".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("a webhook URL is https://HOST[:PORT]/PATH: " + url);
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 30) {
      throw new IllegalArgumentException(
          "timeoutSeconds is 1 to 30 (the API server's range): " + timeoutSeconds);
    }
    if (!caPem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("the CA bundle is a PEM certificate");
    }
    namespaceLabels = Map.copyOf(new TreeMap<>(namespaceLabels));
    if (namespaceLabels.isEmpty()) {
      throw new IllegalArgumentException(
          "a namespace selector without labels would enforce every namespace, kube-system too");
    }
    for (Map.Entry<String, String> e : namespaceLabels.entrySet()) {
      if (!LABEL_KEY.matcher(e.getKey()).matches()
          || !LABEL_VALUE.matcher(e.getValue()).matches()) {
        throw new IllegalArgumentException("not a label: " + e.getKey() + "=" + e.getValue());
      }
    }
  }

  /** The default: {@code cairn-admission}, 10 s, fail closed, {@code cairn.dev/enforce=true}. */
  public static WebhookConfiguration of(URI url, String caPem) {
    return new WebhookConfiguration(
        "cairn-admission", url, caPem, 10, true, Map.of(ENFORCE_LABEL, "true"));
  }

  public WebhookConfiguration withName(String n) {
    return new WebhookConfiguration(n, url, caPem, timeoutSeconds, failClosed, namespaceLabels);
  }

  public WebhookConfiguration withTimeoutSeconds(int t) {
    return new WebhookConfiguration(name, url, caPem, t, failClosed, namespaceLabels);
  }

  public WebhookConfiguration withFailClosed(boolean f) {
    return new WebhookConfiguration(name, url, caPem, timeoutSeconds, f, namespaceLabels);
  }

  public WebhookConfiguration withNamespaceLabels(Map<String, String> labels) {
    return new WebhookConfiguration(name, url, caPem, timeoutSeconds, failClosed, labels);
  }

  /** The configuration as YAML. */
  public String yaml() {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
    StringBuilder labels = new StringBuilder();
    new TreeMap<>(namespaceLabels)
        .forEach(
            (k, v) -> labels.append("      ").append(k).append(": \"").append(v).append("\"\n"));
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: %1$s
          labels:
            app.kubernetes.io/managed-by: cairn
        webhooks:
        - name: %1$s.cairn.dev
          clientConfig:
            url: "%2$s"
            caBundle: %3$s
          rules:
          - apiGroups: [""]
            apiVersions: ["v1"]
            operations: ["CREATE", "UPDATE"]
            resources: ["pods", "pods/ephemeralcontainers", "replicationcontrollers"]
            scope: Namespaced
          - apiGroups: ["apps"]
            apiVersions: ["v1"]
            operations: ["CREATE", "UPDATE"]
            resources: ["deployments", "statefulsets", "daemonsets", "replicasets"]
            scope: Namespaced
          - apiGroups: ["batch"]
            apiVersions: ["v1"]
            operations: ["CREATE", "UPDATE"]
            resources: ["jobs", "cronjobs"]
            scope: Namespaced
          namespaceSelector:
            matchLabels:
        %4$s  failurePolicy: %5$s
          matchPolicy: Equivalent
          sideEffects: None
          admissionReviewVersions: ["v1"]
          timeoutSeconds: %6$d
        """
        .formatted(name, url, ca, labels, failClosed ? "Fail" : "Ignore", timeoutSeconds);
  }
}
