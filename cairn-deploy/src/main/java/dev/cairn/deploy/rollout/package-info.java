/**
 * Rollouts: manifests pinned to image digests, applied by server-side apply, waited for with a
 * deadline, rolled back to the previous revision when they fail; the deploy history and pins of
 * each target ({@code docs/deploy.md}).
 */
@NullMarked
package dev.cairn.deploy.rollout;

import org.jspecify.annotations.NullMarked;
