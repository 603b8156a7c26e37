/**
 * Trusted execution: the TEE provider SPI, the simulation provider (measured, clearly without
 * hardware protection) and verification of its evidence.
 */
@NullMarked
package dev.cairn.attest;

import org.jspecify.annotations.NullMarked;
