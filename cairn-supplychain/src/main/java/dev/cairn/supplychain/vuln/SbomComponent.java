package dev.cairn.supplychain.vuln;

/**
 * One component of an SBOM, as the gate reads it.
 *
 * @param name its name
 * @param version its version, empty if none
 * @param purl its package URL, empty if none (then it cannot be matched)
 * @param ref its {@code bom-ref}, empty if none
 */
public record SbomComponent(String name, String version, String purl, String ref) {}
