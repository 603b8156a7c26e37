/**
 * The attested builder: the measured workload that signs a run's provenance and image signature
 * with a key the attestation service releases only to it, its protocol with the sign step, its
 * embedded attestation policy, and the SLSA provenance both builders write.
 */
@NullMarked
package dev.cairn.pipeline.steps.internal;

import org.jspecify.annotations.NullMarked;
