package dev.cairn.deploy.rollout;

import java.time.Instant;

/**
 * A target held at a revision by {@code cairn rollback}: deploys are refused until it is unpinned.
 *
 * @param rev the revision the target was rolled back to
 * @param who who rolled it back
 * @param time when
 */
public record Pin(int rev, String who, Instant time) {}
