package dev.cairn.pipeline.build;

import dev.cairn.core.Secret;

/**
 * Credentials for an image registry (HTTP basic, which docker-registry, Harbor and Zot accept and
 * which a token service exchanges for a bearer token).
 *
 * @param username the user name
 * @param password the password or token; {@code ***} when printed
 */
public record RegistryAuth(String username, Secret password) {
  public RegistryAuth {
    if (username.isEmpty()) {
      throw new IllegalArgumentException("a registry user name is not empty");
    }
  }
}
