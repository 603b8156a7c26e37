package dev.cairn.server.store;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * API tokens. A token is {@code cairn_<id>_<secret>}: the id finds its row, the secret is checked
 * against a PBKDF2-HMAC-SHA256 hash (OWASP's 600,000 iterations, a random salt); the token itself
 * is never stored and only seen once, when it is created.
 */
public interface TokenStore {
  /**
   * A token as the store knows it (never its secret).
   *
   * @param id the public part of the token
   * @param name what it is for, unique
   * @param duty what its holder may do
   * @param createdAt when it was created
   * @param revokedAt when it was revoked, if it was
   */
  record ApiToken(
      String id, String name, Duty duty, Instant createdAt, @Nullable Instant revokedAt) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,99}");

    public ApiToken {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(duty, "duty");
      Objects.requireNonNull(createdAt, "createdAt");
      if (!validName(name)) {
        throw new IllegalArgumentException(
            "not a token name: '" + dev.cairn.core.Text.escape(name) + "'");
      }
    }

    /** Letters, digits, '.', '_', '-' and spaces, 1 to 100, starting with a letter or digit. */
    public static boolean validName(String name) {
      return NAME.matcher(name).matches();
    }
  }

  /** A new token and its only copy of the secret token text. */
  record Issued(ApiToken token, Secret secret) {}

  /** Creates a token named {@code name} with {@code duty}; a name in use is an error. */
  Issued create(String name, Duty duty) throws StoreException;

  /**
   * The token {@code presented} is, when it is one and not revoked. Takes the same time whether the
   * id exists or not, and compares hashes in constant time.
   */
  Optional<ApiToken> authenticate(Secret presented) throws StoreException;

  /** Every token, by name. */
  List<ApiToken> list() throws StoreException;

  /** Revokes the token named {@code name}; true if it was live. */
  boolean revoke(String name) throws StoreException;
}
