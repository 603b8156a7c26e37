/**
 * The delivery pipeline of seed 000: a signed webhook starts a run (checkout, build, scan, push,
 * sign, deploy) recorded durably in Cairn's home.
 */
@NullMarked
package dev.cairn.pipeline;

import org.jspecify.annotations.NullMarked;
