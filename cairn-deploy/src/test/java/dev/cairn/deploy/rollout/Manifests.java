package dev.cairn.deploy.rollout;

import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSources;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test manifests: a one-replica web Deployment served by busybox httpd. */
final class Manifests {
  private Manifests() {}

  static final String SERVE =
      "mkdir -p /www && echo ready > /www/index.html && exec httpd -f -p 8080 -h /www";

  /**
   * A Deployment {@code web} running {@code image} with {@code command} under {@code sh -c}, ready
   * when {@code GET readyPath} on 8080 answers 200.
   */
  static String web(String image, String command, String readyPath) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              automountServiceAccountToken: false
              terminationGracePeriodSeconds: 1
              containers:
                - name: web
                  image: %s
                  command: ["sh", "-c", %s]
                  ports:
                    - containerPort: 8080
                  readinessProbe:
                    httpGet: {path: %s, port: 8080}
                    periodSeconds: 1
                    failureThreshold: 2
        """
        .formatted(image, quote(command), readyPath);
  }

  static List<KubeObject> parse(String yaml) throws Exception {
    return ObjectSources.readAll(
        ObjectSources.manifests(
            List.of(java.nio.file.Path.of("-")),
            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
