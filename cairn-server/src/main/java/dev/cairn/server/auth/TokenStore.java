package dev.cairn.server.auth;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.ServerException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The server's API tokens. A token is kept only as a salted PBKDF2-HMAC-SHA256 hash; the token
 * itself is given once, by {@link #create}. The file store ({@link Tokens#file}) keeps them in
 * Cairn's home; a database one can take its place.
 */
public interface TokenStore extends AutoCloseable {
  /**
   * A token just made.
   *
   * @param token what it is known by
   * @param secret the token itself ({@code cairn_<id>_<43 characters>}), shown to its holder once
   */
  record Issued(ApiToken token, Secret secret) {}

  /**
   * Makes a token for {@code name} holding {@code duties}.
   *
   * @throws ServerException for a name of the wrong form, or when the store cannot be written
   */
  Issued create(String name, Set<Duty> duties, Instant now) throws ServerException;

  /**
   * The valid token {@code presented} is, or empty: an unknown, malformed or revoked token, or a
   * wrong secret part, compared in constant time.
   */
  Optional<ApiToken> authenticate(Secret presented) throws ServerException;

  /** Every token, revoked ones too, oldest first. */
  List<ApiToken> list() throws ServerException;

  /**
   * Revokes token {@code id}.
   *
   * @return false when there is no such token or it was revoked already
   */
  boolean revoke(String id, Instant now) throws ServerException;

  @Override
  void close();
}
