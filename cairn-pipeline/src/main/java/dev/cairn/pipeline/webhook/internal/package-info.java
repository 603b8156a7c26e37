/** Wire formats of the forges' webhooks: signatures, payloads, globs, rate buckets. */
@NullMarked
package dev.cairn.pipeline.webhook.internal;

import org.jspecify.annotations.NullMarked;
