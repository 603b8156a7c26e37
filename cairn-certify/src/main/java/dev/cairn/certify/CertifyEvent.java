package dev.cairn.certify;

import dev.cairn.core.Digest;

/** What a certification reports while it runs; the edge decides how to show it. */
public sealed interface CertifyEvent {
  /** A step began or ended ({@code CAIRN_TRACE}-style timings are the edge's business). */
  record Phase(String name) implements CertifyEvent {}

  /** The scanner runs in a TEE that gives no hardware protection. */
  record Simulation(String tee, Digest measurement) implements CertifyEvent {}

  /** The embedded attestation service approved this build's scanner in a new policy version. */
  record MeasurementApproved(Digest measurement, int policyVersion) implements CertifyEvent {}

  /** The trust root gained entries (a new measurement, key or ledger pin). */
  record TrustRootGrew(java.nio.file.Path file, int added) implements CertifyEvent {}
}
