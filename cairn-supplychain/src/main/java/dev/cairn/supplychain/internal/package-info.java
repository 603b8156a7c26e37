/** Wire formats of the OCI distribution API, cosign's storage layout and registry auth. */
@NullMarked
package dev.cairn.supplychain.internal;

import org.jspecify.annotations.NullMarked;
