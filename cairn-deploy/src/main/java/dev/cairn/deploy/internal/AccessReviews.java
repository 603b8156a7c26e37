package dev.cairn.deploy.internal;

import dev.cairn.core.CairnException;
import dev.cairn.scanner.ClusterOptions;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** SubjectAccessReviews through fabric8, and YAML for rendered objects. */
public final class AccessReviews implements AutoCloseable {
  /** A review's answer: allowed or not, and the authorizer's reason. */
  public record Answer(boolean allowed, String reason) {}

  private final KubernetesClient client;

  public AccessReviews(ClusterOptions options) throws CairnException {
    try {
      Config cfg =
          Config.fromKubeconfig(
              options.context(),
              Files.readString(options.kubeconfig()),
              options.kubeconfig().toString());
      this.client = new KubernetesClientBuilder().withConfig(cfg).build();
    } catch (IOException | RuntimeException e) {
      throw new CairnException(
          "cannot use kubeconfig " + options.kubeconfig() + ": " + e.getMessage(),
          "check the kubeconfig path",
          e);
    }
  }

  /**
   * Whether {@code user} in {@code groups} may {@code verb} the resource ({@code ns} "" = cluster).
   */
  public Answer review(
      String user,
      List<String> groups,
      String verb,
      String group,
      String resource,
      String subresource,
      String ns)
      throws CairnException {
    SubjectAccessReview r =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withGroups(groups)
            .withResourceAttributes(
                new ResourceAttributesBuilder()
                    .withVerb(verb)
                    .withGroup(group)
                    .withResource(resource)
                    .withSubresource(subresource.isEmpty() ? null : subresource)
                    .withNamespace(ns.isEmpty() ? null : ns)
                    .build())
            .endSpec()
            .build();
    try {
      SubjectAccessReview out = client.authorization().v1().subjectAccessReview().create(r);
      boolean allowed =
          out.getStatus() != null && Boolean.TRUE.equals(out.getStatus().getAllowed());
      String reason =
          out.getStatus() == null
              ? ""
              : Objects.requireNonNullElse(out.getStatus().getReason(), "");
      return new Answer(allowed, reason);
    } catch (KubernetesClientException e) {
      throw new CairnException(
          "the API server refused a SubjectAccessReview ("
              + e.getCode()
              + "): "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
          "use a kubeconfig that may create subjectaccessreviews (a cluster admin's)",
          e);
    }
  }

  /** Objects as a multi-document YAML stream. */
  public static String yaml(List<Map<String, Object>> objects) {
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> o : objects) {
      String y = Serialization.asYaml(o);
      b.append(y.startsWith("---") ? y : "---\n" + y);
      if (!y.endsWith("\n")) {
        b.append('\n');
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    client.close();
  }
}
