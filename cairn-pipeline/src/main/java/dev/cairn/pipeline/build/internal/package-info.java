/**
 * The Dockerfile parser, jib-core and buildah behind {@link dev.cairn.pipeline.build.ImageBuilds}.
 */
@NullMarked
package dev.cairn.pipeline.build.internal;

import org.jspecify.annotations.NullMarked;
