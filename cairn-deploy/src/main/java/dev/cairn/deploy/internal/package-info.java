@NullMarked
package dev.cairn.deploy.internal;

import org.jspecify.annotations.NullMarked;
