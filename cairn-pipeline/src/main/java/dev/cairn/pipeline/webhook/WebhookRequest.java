package dev.cairn.pipeline.webhook;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One webhook request as an HTTP edge received it, without its body (handed over as a stream, so
 * the handler stops reading at the cap).
 *
 * @param method the HTTP method
 * @param route the forge the path names ({@code /hooks/github}), or null to detect it from the
 *     headers ({@code /hooks})
 * @param headers the request headers (names in any case)
 * @param remoteAddress the sender's address, the key of the rate limit
 */
public record WebhookRequest(
    String method,
    @Nullable SourceKind route,
    Map<String, List<String>> headers,
    String remoteAddress) {
  public WebhookRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null) {
        h.merge(
            e.getKey(),
            List.copyOf(e.getValue()),
            (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
      }
    }
    headers = java.util.Collections.unmodifiableMap(h);
  }

  /** Every value of header {@code name} (any case), or null when it is absent. */
  public @Nullable List<String> header(String name) {
    return headers.get(name);
  }

  /** The first value of header {@code name}, or null. */
  public @Nullable String first(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The headers' names only: their values may hold a signature or a token. */
  @Override
  public String toString() {
    return "WebhookRequest["
        + method
        + " route="
        + (route == null ? "auto" : route.id())
        + " from "
        + remoteAddress
        + " headers="
        + headers.keySet()
        + "]";
  }
}
