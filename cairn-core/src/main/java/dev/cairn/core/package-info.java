/**
 * Value types shared by every Cairn module: errors that carry a fix hint, source locations in
 * user-authored files, digests, secrets that never print, and canonical JSON.
 */
@NullMarked
package dev.cairn.core;

import org.jspecify.annotations.NullMarked;
