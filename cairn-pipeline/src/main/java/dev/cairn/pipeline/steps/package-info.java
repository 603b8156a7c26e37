/**
 * The executors of the pipeline's checkout, build, push and sign steps, on the checkout, the native
 * image builder and cairn-supplychain's OCI client and cosign-compatible signatures.
 */
@NullMarked
package dev.cairn.pipeline.steps;

import org.jspecify.annotations.NullMarked;
