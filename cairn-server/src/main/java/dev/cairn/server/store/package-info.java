/**
 * The server's storage: one {@link dev.cairn.server.store.Database} (an embedded H2 file database
 * in Cairn's home by default, PostgreSQL through a JDBC URL; schema by Flyway migrations) and, on
 * it, JDBC implementations of every module's store SPI (run records, webhook deliveries and audit,
 * deploy history, the duties audit) plus the server's own stores (scans, certificates, API tokens,
 * clusters), opened together as {@link dev.cairn.server.store.Storage}. Every record is written in
 * one transaction: a crash leaves it as it was before or as it is after, never half.
 */
@NullMarked
package dev.cairn.server.store;

import org.jspecify.annotations.NullMarked;
