/**
 * Evidence from real TEE hardware — Intel SGX DCAP quotes (v3), Intel TDX quotes (v4, v5) and AMD
 * SEV-SNP attestation reports — parsed and verified by Cairn itself, offline, from collateral in
 * files. Every parser rejects a short or malformed blob with the offset and field that broke
 * ({@link MalformedEvidenceException}); every verifier fails closed, each link of the vendor's
 * chain its own {@link TeeVerification.Failed step}. Vendor roots are pinned in code; another root
 * is used only when given explicitly.
 */
@NullMarked
package dev.cairn.attest.tee;

import org.jspecify.annotations.NullMarked;
