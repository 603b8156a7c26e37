/**
 * Software bills of materials: CycloneDX 1.6 SBOMs of a directory tree or of an image, made by
 * Cairn's own catalogers (dpkg, apk, Java archives, npm, Python, Go binaries), and read back for
 * the vulnerability gate. {@link Sboms} makes them; {@link Sbom} writes and reads them.
 */
@NullMarked
package dev.cairn.supplychain.sbom;

import org.jspecify.annotations.NullMarked;
