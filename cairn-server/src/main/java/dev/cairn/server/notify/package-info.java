/**
 * Notification webhooks: events a team wants to hear of at once (new findings, a gate's refusal, an
 * expiring or revoked certificate) posted as JSON to the team's endpoints, signed with HMAC,
 * retried with backoff, and recorded — each delivery a file written whole, so a crash loses none
 * and the next start goes on with the pending ones.
 */
@NullMarked
package dev.cairn.server.notify;

import org.jspecify.annotations.NullMarked;
