package dev.cairn.deploy.jobs;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where and how pipeline steps run as Jobs.
 *
 * @param kubeconfig the kubeconfig of the identity that creates the Jobs (it needs create, get,
 *     list and delete on Jobs and Secrets, patch on Secrets, get and list on Pods and get on
 *     pods/log in {@code namespace})
 * @param context its context (null: the current one)
 * @param namespace where the Jobs run
 * @param serviceAccount the ServiceAccount the steps' pods run as ({@code cairn-dev}, the Dev
 *     duty's, holds no verbs; its token is not mounted)
 * @param agentImage Cairn's agent image (by digest), whose init container fetches the workspace
 * @param address the address this machine serves workspaces on, reachable from the cluster's pods
 * @param runAsUser the user id the steps run as (never root)
 */
public record JobsConfig(
    Path kubeconfig,
    @Nullable String context,
    String namespace,
    String serviceAccount,
    String agentImage,
    String address,
    long runAsUser) {
  /** The user id steps run as unless told otherwise: distroless's nonroot. */
  public static final long NONROOT = 65532;

  public JobsConfig {
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(agentImage, "agentImage");
    Objects.requireNonNull(address, "address");
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("not a namespace name: " + namespace);
    }
    if (!serviceAccount.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException("not a ServiceAccount name: " + serviceAccount);
    }
    if (runAsUser <= 0) {
      throw new IllegalArgumentException("steps never run as root: runAsUser " + runAsUser);
    }
  }
}
