package dev.cairn.pipeline.source;

import dev.cairn.core.Secret;

/** How to authenticate to a git server; a token never goes into a URL. */
public sealed interface GitAuth {

  /** No credentials (public repositories, {@code file://}). */
  static GitAuth none() {
    return new None();
  }

  /**
   * HTTP basic authentication with a token as the password and {@code x-access-token} as the user
   * name (GitHub's convention; GitLab and Gitea accept any user name with a token).
   */
  static GitAuth token(Secret token) {
    return new Token("x-access-token", token);
  }

  /** No credentials. */
  record None() implements GitAuth {}

  /**
   * HTTP basic authentication.
   *
   * @param username the user name sent with the token
   * @param token the token or password; {@code ***} when printed
   */
  record Token(String username, Secret token) implements GitAuth {
    public Token {
      if (username.isEmpty() || username.indexOf(':') >= 0) {
        throw new IllegalArgumentException("a git user name is not empty and has no ':'");
      }
    }
  }
}
