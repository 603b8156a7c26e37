@NullMarked
package dev.cairn.certify.internal;

import org.jspecify.annotations.NullMarked;
