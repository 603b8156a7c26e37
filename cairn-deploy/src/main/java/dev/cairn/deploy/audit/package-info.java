/**
 * Audit bundles: one directory that holds a cluster's compliance evidence for an auditor (its
 * certificates, their scan reports, ledger proofs and checkpoint, the deployments to it with their
 * gate decisions and the images' provenance, the trust root, and an HTML summary), and its offline
 * verification ({@code docs/audit.md}).
 */
@NullMarked
package dev.cairn.deploy.audit;

import org.jspecify.annotations.NullMarked;
