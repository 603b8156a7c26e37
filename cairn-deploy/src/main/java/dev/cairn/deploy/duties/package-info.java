/**
 * Separation of duties: named identities with their own Ed25519 keys, the team roster that says
 * which duties each holds, signed action requests, the two-signature break-glass override and its
 * audit log, and the Kubernetes RBAC each duty needs (docs/duties.md, ADR 0012).
 */
@NullMarked
package dev.cairn.deploy.duties;

import org.jspecify.annotations.NullMarked;
