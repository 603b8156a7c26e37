/**
 * {@code cairn serve}: one server for a team. It receives webhooks, runs pipelines, scans and
 * certifies on schedule and shows it all, by calling the same engines as the CLI ({@code
 * cairn-certify}, {@code cairn-pipeline}, {@code cairn-deploy}, {@code cairn-supplychain}); it
 * holds no domain logic of its own beyond storage, access and scheduling.
 */
@NullMarked
package dev.cairn.server;

import org.jspecify.annotations.NullMarked;
