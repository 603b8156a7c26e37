package dev.cairn.server;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.auth.ApiToken;
import dev.cairn.server.auth.TokenStore;
import dev.cairn.server.store.StoreException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API's token store over the database's ({@link dev.cairn.server.store.TokenStore}). A token
 * there holds one duty: a holder of two makes two tokens, so that no single token can both propose
 * and approve what separation of duties keeps apart.
 */
final class StoredTokens implements TokenStore {
  private final dev.cairn.server.store.TokenStore db;

  StoredTokens(dev.cairn.server.store.TokenStore db) {
    this.db = db;
  }

  private static ApiToken api(dev.cairn.server.store.TokenStore.ApiToken t) {
    return new ApiToken(t.id(), t.name(), Set.of(t.duty()), t.createdAt(), t.revokedAt());
  }

  private static ServerException wrap(StoreException e) {
    return new ServerException(String.valueOf(e.getMessage()), e.hint().orElse(null), e);
  }

  @Override
  public Issued create(String name, Set<Duty> duties, Instant now) throws ServerException {
    if (duties.size() != 1) {
      throw new ServerException(
          "a token holds one duty, not " + duties.size(),
          "make one token per duty: separation of duties keeps them apart");
    }
    if (!ApiToken.NAME.matcher(name).matches()) {
      throw new ServerException(
          "not a token name", "use a letter or digit, then letters, digits, '.', '_' or '-'");
    }
    try {
      var issued = db.create(name, duties.iterator().next());
      return new Issued(api(issued.token()), issued.secret());
    } catch (StoreException e) {
      throw wrap(e);
    }
  }

  @Override
  public Optional<ApiToken> authenticate(Secret presented) throws ServerException {
    try {
      return db.authenticate(presented).map(StoredTokens::api);
    } catch (StoreException e) {
      throw wrap(e);
    }
  }

  @Override
  public List<ApiToken> list() throws ServerException {
    try {
      return db.list().stream()
          .map(StoredTokens::api)
          .sorted(Comparator.comparing(ApiToken::created).thenComparing(ApiToken::id))
          .toList();
    } catch (StoreException e) {
      throw wrap(e);
    }
  }

  @Override
  public boolean revoke(String id, Instant now) throws ServerException {
    try {
      for (var t : db.list()) {
        if (t.id().equals(id)) {
          return t.revokedAt() == null && db.revoke(t.name());
        }
      }
      return false;
    } catch (StoreException e) {
      throw wrap(e);
    }
  }

  @Override
  public void close() {
    // the database is closed with its Storage
  }
}
