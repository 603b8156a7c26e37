package dev.cairn.pipeline;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of step a pipeline is made of. Every kind has a name in the pipeline file; the kinds
 * that this version of Cairn does not implement yet are known by name so that a file naming one is
 * refused at its line rather than run without it.
 */
public enum StepKind {
  /** Fetches the repository at the run's exact commit into the workspace. */
  CHECKOUT("checkout", true, true),
  /** Builds the image (a Dockerfile, or a Maven or Gradle project) without a Docker daemon. */
  BUILD("build", true, false),
  /** Scans the repository's Kubernetes manifests with Cairn's checks. */
  SCAN("scan", true, false),
  /** A CycloneDX SBOM of the image: of the pushed one after push, else of the built archive. */
  SBOM("sbom", true, true),
  /** The vulnerability gate over the SBOM, against the offline OSV database in Cairn's home. */
  VULN_GATE("vuln-gate", true, false),
  /**
   * Makes the pushed image's workload confidential: its measurement into a new attestation policy
   * version with the workload's secrets, its manifests marked for a confidential runtime with the
   * attestation agent.
   */
  ENCLAVE("enclave", true, true),
  /** Pushes the image to an OCI registry, by digest. */
  PUSH("push", true, true),
  /** Signs the image and its provenance from the attested builder. */
  SIGN("sign", true, true),
  /** Rolls the image out behind the deploy gate. */
  DEPLOY("deploy", true, true),
  /** Runs a command: a local process, or a container where an executor supplies one. */
  RUN("run", true, false);

  private final String id;
  private final boolean implemented;
  private final boolean network;

  StepKind(String id, boolean implemented, boolean network) {
    this.id = id;
    this.implemented = implemented;
    this.network = network;
  }

  /** The name in the pipeline file, e.g. {@code vuln-gate}. */
  public String id() {
    return id;
  }

  /** Whether this version of Cairn has this kind of step; a file naming another is refused. */
  public boolean implemented() {
    return implemented;
  }

  /**
   * Whether the step talks to the network (a registry, a git server, a cluster), so that a failure
   * may be transient: such steps are retried by default.
   */
  public boolean network() {
    return network;
  }

  /** The kind named {@code id} in a pipeline file. */
  public static Optional<StepKind> of(String id) {
    for (StepKind k : values()) {
      if (k.id.equals(id.toLowerCase(Locale.ROOT))) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return id;
  }
}
