/**
 * Source checkout: a repository fetched over {@code file://} or HTTP(S) and checked out at the
 * exact commit of an event ({@link dev.cairn.pipeline.source.Checkout#at}).
 */
@NullMarked
package dev.cairn.pipeline.source;

import org.jspecify.annotations.NullMarked;
