/**
 * The catalogers, the image's merged file view (tar layers with OCI whiteouts), package URLs and
 * the CycloneDX JSON wire format.
 */
@NullMarked
package dev.cairn.supplychain.sbom.internal;

import org.jspecify.annotations.NullMarked;
