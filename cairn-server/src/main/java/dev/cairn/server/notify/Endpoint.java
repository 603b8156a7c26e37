package dev.cairn.server.notify;

import dev.cairn.core.Secret;
import java.net.URI;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A team's endpoint: where notifications go, the key they are signed with, and which kinds it wants
 * (all when empty).
 */
public record Endpoint(URI url, Secret secret, Set<Notification.Kind> kinds) {
  public Endpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(secret, "secret");
    String scheme = url.getScheme();
    if (scheme == null
        || !(scheme.equals("https") || scheme.equals("http"))
        || url.getHost() == null
        || url.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "a notification endpoint is an http(s) URL with a host and no user name or password");
    }
    if (secret.length() < 16) {
      throw new IllegalArgumentException("a notification secret has at least 16 bytes");
    }
    kinds = kinds.isEmpty() ? EnumSet.allOf(Notification.Kind.class) : EnumSet.copyOf(kinds);
    kinds = java.util.Collections.unmodifiableSet(kinds);
  }

  /** The URL as recorded and shown: without its query, which may carry a token. */
  public String shown() {
    return url.getScheme()
        + "://"
        + url.getHost()
        + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  public boolean wants(Notification.Kind kind) {
    return kinds.contains(kind);
  }

  @Override
  public String toString() {
    return "Endpoint[" + shown() + ", kinds=" + kinds + "]";
  }
}
