/**
 * Evidence from inside a confidential VM through Linux configfs-tsm ({@link ConfigfsTsm}): the
 * kernel's common interface to the SEV-SNP and TDX guest drivers, which the attestation agent of a
 * confidential workload uses on real hardware.
 */
@NullMarked
package dev.cairn.attest.tee.tsm;

import org.jspecify.annotations.NullMarked;
