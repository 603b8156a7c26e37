/**
 * The offline vulnerability gate: an embedded store of OSV entries imported from files a user
 * carries in ({@link VulnDb}), matching of an SBOM's components against it in each ecosystem's own
 * version order, severities from CVSS v3.1 and v4.0 vectors ({@link Cvss}), waivers, and the gate's
 * result as an in-toto predicate ({@link VulnGate}).
 */
@NullMarked
package dev.cairn.supplychain.vuln;

import org.jspecify.annotations.NullMarked;
