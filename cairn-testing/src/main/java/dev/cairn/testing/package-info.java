/**
 * Test support for Cairn: a real Kubernetes control plane shared by the integration tests of a run,
 * local OCI registries, a git smart-HTTP server and Debian packages installed when missing.
 */
@NullMarked
package dev.cairn.testing;

import org.jspecify.annotations.NullMarked;
