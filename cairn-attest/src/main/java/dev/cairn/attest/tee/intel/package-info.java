/**
 * Intel SGX DCAP quotes (v3) and TDX quotes (v4, v5): {@link IntelQuotes#parse parsed} into typed
 * records and {@link IntelQuotes#verify verified} offline against collateral in files (PCK chain,
 * CRLs, TCB info, QE identity), up to the pinned Intel SGX Root CA. See docs/tee.md.
 */
@NullMarked
package dev.cairn.attest.tee.intel;

import org.jspecify.annotations.NullMarked;
