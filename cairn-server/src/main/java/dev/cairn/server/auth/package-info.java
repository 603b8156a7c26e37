/**
 * Who may call the server: bearer API tokens kept only as salted PBKDF2-HMAC-SHA256 hashes ({@link
 * dev.cairn.server.auth.TokenStore}), each holding duties of {@link dev.cairn.deploy.duties.Duty},
 * and the one table ({@link dev.cairn.server.auth.Access}) of which duties each API operation
 * needs.
 */
@NullMarked
package dev.cairn.server.auth;

import org.jspecify.annotations.NullMarked;
