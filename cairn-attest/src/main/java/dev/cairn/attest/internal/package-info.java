@NullMarked
package dev.cairn.attest.internal;

import org.jspecify.annotations.NullMarked;
