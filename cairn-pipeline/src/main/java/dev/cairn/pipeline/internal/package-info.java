/** The pipeline's implementation: the file reader, the run engine, the file run store. */
@NullMarked
package dev.cairn.pipeline.internal;

import org.jspecify.annotations.NullMarked;
