package dev.cairn.attest;

import dev.cairn.core.Digest;

/**
 * A trusted execution environment; {@link Tees#provider} finds one by name. Real enclave runtimes
 * (Gramine, SCONE, Occlum, confidential containers) plug in here without touching the rest.
 */
public interface TeeProvider {
  /** {@code simulation}, {@code sgx-dcap}, ... */
  String name();

  /** False when the provider offers no hardware protection (the simulation provider). */
  boolean hardwareBacked();

  /**
   * Starts the workload {@code spec} describes inside this TEE, as {@code process} says how to run
   * it on this machine (the real java binary and class path). The simulation provider starts a
   * plain separate process, telling it its expected measurement in {@code CAIRN_TEE_MEASUREMENT}.
   */
  Launched launch(LaunchSpec spec, ProcessBuilder process) throws AttestationException;

  /** A started workload and the measurement the TEE took of it. */
  record Launched(Process process, Digest measurement) {}

  /** What the TEE would measure for this workload: reproducible across runs and machines. */
  Digest measure(LaunchSpec spec) throws AttestationException;

  /**
   * The public key that verifies this provider's evidence: for the simulation provider its
   * simulated platform key; for hardware, the attestation key its vendor chain certifies.
   */
  java.security.PublicKey platformKey() throws AttestationException;

  /** Evidence that a workload with {@code measurement} runs here and chose {@code reportData}. */
  Evidence evidence(Digest measurement, byte[] reportData) throws AttestationException;
}
