package dev.cairn.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where a deploy goes and what its gate demands ({@code docs/deploy.md}).
 *
 * @param name the target's name: lower-case letters, digits and {@code -}, at most 63
 * @param kubeconfig the kubeconfig of the deploying identity
 * @param context the kubeconfig context (null: its current one)
 * @param namespace the namespace the manifests go to (when they name none)
 * @param deadline how long a rollout may take before it counts as failed
 * @param allowedRepositories source repositories an image must have been built from (empty: the
 *     gate does not check the repository)
 * @param allowedBranches branches (or refs) the build must have come from (empty: not checked)
 * @param frameworks the frameworks the manifests must pass (empty: not scanned)
 * @param requireCertificate whether the cluster must hold a valid compliance certificate
 * @param certificate the cluster's compliance certificate (bundle file), for {@code
 *     requireCertificate}
 * @param vulnerabilities what the image's vulnerability-gate attestation must show (null: not
 *     demanded)
 */
public record TargetConfig(
    String name,
    Path kubeconfig,
    @Nullable String context,
    String namespace,
    Duration deadline,
    List<String> allowedRepositories,
    List<String> allowedBranches,
    List<String> frameworks,
    boolean requireCertificate,
    @Nullable Path certificate,
    @Nullable VulnPolicy vulnerabilities) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public TargetConfig {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a target name is 1-63 lower-case letters, digits and '-': " + name);
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("a rollout deadline is positive: " + deadline);
    }
    allowedRepositories = List.copyOf(allowedRepositories);
    allowedBranches = List.copyOf(allowedBranches);
    frameworks = List.copyOf(frameworks);
  }

  /** As the canonical constructor, demanding no vulnerability-gate attestation. */
  public TargetConfig(
      String name,
      Path kubeconfig,
      @Nullable String context,
      String namespace,
      Duration deadline,
      List<String> allowedRepositories,
      List<String> allowedBranches,
      List<String> frameworks,
      boolean requireCertificate,
      @Nullable Path certificate) {
    this(
        name,
        kubeconfig,
        context,
        namespace,
        deadline,
        allowedRepositories,
        allowedBranches,
        frameworks,
        requireCertificate,
        certificate,
        null);
  }

  /** A target with no gate demands and a 2-minute deadline. */
  public static TargetConfig of(String name, Path kubeconfig, String namespace) {
    return new TargetConfig(
        name,
        kubeconfig,
        null,
        namespace,
        Duration.ofMinutes(2),
        List.of(),
        List.of(),
        List.of(),
        false,
        null);
  }

  /** Whether {@code name} is a valid target name. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  public TargetConfig withDeadline(Duration d) {
    return new TargetConfig(
        name,
        kubeconfig,
        context,
        namespace,
        d,
        allowedRepositories,
        allowedBranches,
        frameworks,
        requireCertificate,
        certificate,
        vulnerabilities);
  }

  /** This target with the gate's demands. */
  public TargetConfig withGate(
      List<String> repositories,
      List<String> branches,
      List<String> fw,
      boolean needCertificate,
      @Nullable Path certificateFile) {
    return new TargetConfig(
        name,
        kubeconfig,
        context,
        namespace,
        deadline,
        repositories,
        branches,
        fw,
        needCertificate,
        certificateFile,
        vulnerabilities);
  }

  /** This target in kubeconfig {@code ctx}. */
  public TargetConfig withContext(@Nullable String ctx) {
    return new TargetConfig(
        name,
        kubeconfig,
        ctx,
        namespace,
        deadline,
        allowedRepositories,
        allowedBranches,
        frameworks,
        requireCertificate,
        certificate,
        vulnerabilities);
  }

  /** This target demanding {@code policy} of each image's vulnerability-gate attestation. */
  public TargetConfig withVulnerabilities(@Nullable VulnPolicy policy) {
    return new TargetConfig(
        name,
        kubeconfig,
        context,
        namespace,
        deadline,
        allowedRepositories,
        allowedBranches,
        frameworks,
        requireCertificate,
        certificate,
        policy);
  }
}
