/**
 * Test support for Cairn: a real Kubernetes control plane shared by the integration tests of a run
 * (and, for the classes that ask, the machine's real node with images made by {@link
 * dev.cairn.testing.PodImage}), local OCI registries, a git smart-HTTP server and Debian packages
 * installed when missing.
 */
@NullMarked
package dev.cairn.testing;

import org.jspecify.annotations.NullMarked;
