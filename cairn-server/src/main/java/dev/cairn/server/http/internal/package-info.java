/** The server's HTTP plumbing on Javalin (Jetty 12): routes, access, limits, events. */
@NullMarked
package dev.cairn.server.http.internal;

import org.jspecify.annotations.NullMarked;
