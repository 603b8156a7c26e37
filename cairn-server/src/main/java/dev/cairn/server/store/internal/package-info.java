/** Connection pooling, lease liveness and password hashing behind the JDBC stores. */
@NullMarked
package dev.cairn.server.store.internal;

import org.jspecify.annotations.NullMarked;
