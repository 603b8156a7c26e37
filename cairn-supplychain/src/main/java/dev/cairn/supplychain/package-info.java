/**
 * Supply-chain evidence: image signatures, SLSA provenance and the OCI client that stores them the
 * way cosign does, and their verification.
 */
@NullMarked
package dev.cairn.supplychain;

import org.jspecify.annotations.NullMarked;
