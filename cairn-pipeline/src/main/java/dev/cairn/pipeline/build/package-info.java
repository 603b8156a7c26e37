/**
 * Image builds without a Docker daemon: a Dockerfile parser ({@link
 * dev.cairn.pipeline.build.Dockerfile}) and a reproducible builder ({@link
 * dev.cairn.pipeline.build.ImageBuilds}) that builds natively or, for RUN, through buildah.
 */
@NullMarked
package dev.cairn.pipeline.build;

import org.jspecify.annotations.NullMarked;
