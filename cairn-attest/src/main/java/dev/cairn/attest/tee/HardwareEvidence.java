package dev.cairn.attest.tee;

import java.util.SequencedMap;

/**
 * A parsed quote or report. Implementations are immutable records per TEE type with typed accessors
 * for what a policy needs (SGX MRENCLAVE, TDX RTMRs, SNP measurement, ...); this view is what they
 * share, for {@code cairn attest inspect} and for binding the evidence to a session.
 */
public interface HardwareEvidence {
  TeeType type();

  /** The 64 bytes the workload chose: the hash of its ephemeral key and the verifier's nonce. */
  byte[] reportData();

  /**
   * The measurement a policy compares first: SGX MRENCLAVE, TDX MRTD, SNP MEASUREMENT (lower-case
   * hex).
   */
  String measurementHex();

  /**
   * Every field a person or policy may want, in the specification's order, named as the
   * specification names them in lower-case with hyphens ({@code mr-enclave}, {@code rtmr0}, {@code
   * host-data}), values as lower-case hex or decimal.
   */
  SequencedMap<String, String> fields();

  /** The exact bytes parsed. */
  byte[] raw();
}
