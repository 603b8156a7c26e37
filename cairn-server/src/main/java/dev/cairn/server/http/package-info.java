/**
 * The REST API's documents ({@link dev.cairn.server.http.ApiModel}): every JSON response of {@code
 * /api/v1} is one of these records, described by {@code /openapi.json}. The HTTP plumbing is in
 * {@code .internal}.
 */
@NullMarked
package dev.cairn.server.http;

import org.jspecify.annotations.NullMarked;
