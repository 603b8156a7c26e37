/** Putting objects into clusters. */
@NullMarked
package dev.cairn.deploy;

import org.jspecify.annotations.NullMarked;
