@NullMarked
package dev.cairn.ledger.internal;

import org.jspecify.annotations.NullMarked;
