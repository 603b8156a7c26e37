/** Readers, ASN.1 and JSON helpers behind the Intel SGX and TDX quote verifier. */
@NullMarked
package dev.cairn.attest.tee.intel.internal;

import org.jspecify.annotations.NullMarked;
