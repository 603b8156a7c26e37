@NullMarked
package dev.cairn.scanner.internal;

import org.jspecify.annotations.NullMarked;
