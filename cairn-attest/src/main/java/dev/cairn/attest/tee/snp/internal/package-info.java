/** Internals of the SEV-SNP verifier: AMD's pinned roots, bounds-checked reading. */
@NullMarked
package dev.cairn.attest.tee.snp.internal;

import org.jspecify.annotations.NullMarked;
