/**
 * Where certificates are recorded and how they are verified: the ledger SPI and the embedded
 * append-only transparency log (RFC 6962/9162 Merkle tree, inclusion and consistency proofs, C2SP
 * signed-note checkpoints), the certificate model, the trust root ({@link
 * dev.cairn.ledger.TrustRoot}: what was trusted when) and {@link
 * dev.cairn.ledger.CertificateVerifier}.
 */
@NullMarked
package dev.cairn.ledger;

import org.jspecify.annotations.NullMarked;
