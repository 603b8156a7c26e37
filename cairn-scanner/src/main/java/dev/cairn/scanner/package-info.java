@NullMarked
package dev.cairn.scanner;

import org.jspecify.annotations.NullMarked;
