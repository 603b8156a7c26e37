/**
 * Where certificates are recorded: the ledger SPI and the embedded append-only transparency log
 * (RFC 6962/9162 Merkle tree, inclusion and consistency proofs, C2SP signed-note checkpoints).
 */
@NullMarked
package dev.cairn.ledger;

import org.jspecify.annotations.NullMarked;
