package dev.cairn.supplychain;

import dev.cairn.core.Secret;

/**
 * How Cairn authenticates to one registry. A registry that answers with a {@code Bearer} challenge
 * ({@code WWW-Authenticate: Bearer realm=…,service=…,scope=…}) is sent to its token service with
 * these credentials (anonymously for {@link Anonymous}); one that answers {@code Basic} gets them
 * directly. Credentials never leave the registry's own origin and its realm.
 */
public sealed interface RegistryAuth {
  /** No credentials; bearer registries still hand out anonymous tokens. */
  record Anonymous() implements RegistryAuth {}

  /**
   * A username and password (or an access token used as a password).
   *
   * @param password printed as {@code ***}
   */
  record Basic(String username, Secret password) implements RegistryAuth {
    public Basic {
      if (username.isEmpty() || username.contains(":")) {
        throw new IllegalArgumentException("a registry username is non-empty and has no ':'");
      }
    }
  }

  /** A bearer token obtained elsewhere, sent as {@code Authorization: Bearer …}. */
  record Token(Secret token) implements RegistryAuth {}

  static RegistryAuth anonymous() {
    return new Anonymous();
  }

  static RegistryAuth basic(String username, Secret password) {
    return new Basic(username, password);
  }
}
