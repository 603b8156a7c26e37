/**
 * Test support for Cairn: a real Kubernetes control plane shared by the integration tests of a run.
 */
@NullMarked
package dev.cairn.testing;

import org.jspecify.annotations.NullMarked;
