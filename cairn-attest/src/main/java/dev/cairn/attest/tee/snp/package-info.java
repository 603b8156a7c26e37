/**
 * AMD SEV-SNP attestation reports: {@link SnpReport} parses the ATTESTATION_REPORT (versions 2-5),
 * {@link SnpVerifier} verifies it offline against the VCEK or VLEK ({@link SnpCollateral}) and
 * AMD's ARKs pinned in code, each link a named step of {@link
 * dev.cairn.attest.tee.TeeVerification}.
 */
@NullMarked
package dev.cairn.attest.tee.snp;

import org.jspecify.annotations.NullMarked;
