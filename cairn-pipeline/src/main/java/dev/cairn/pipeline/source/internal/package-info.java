/** JGit behind {@link dev.cairn.pipeline.source.Checkout}. */
@NullMarked
package dev.cairn.pipeline.source.internal;

import org.jspecify.annotations.NullMarked;
