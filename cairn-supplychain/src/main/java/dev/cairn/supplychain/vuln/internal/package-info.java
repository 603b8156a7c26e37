/** The vulnerability gate's internals: version orders, the OSV model, the store's files. */
@NullMarked
package dev.cairn.supplychain.vuln.internal;

import org.jspecify.annotations.NullMarked;
