package dev.cairn.server.auth;

import dev.cairn.core.CairnHome;
import dev.cairn.server.ServerException;
import java.nio.file.Path;

/** The token stores. */
public final class Tokens {
  /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023 Password Storage Cheat Sheet). */
  public static final int ITERATIONS = 210_000;

  private Tokens() {}

  /** The token store in Cairn's home: {@code server/tokens.json}, replaced atomically. */
  public static TokenStore file(CairnHome home) throws ServerException {
    return file(home.dir("server").resolve("tokens.json"), ITERATIONS);
  }

  /** A token store in {@code file}, hashing with {@code iterations} (tests use fewer). */
  public static TokenStore file(Path file, int iterations) throws ServerException {
    return FileTokenStore.open(file, iterations);
  }
}
