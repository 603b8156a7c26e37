package dev.cairn.server.store.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 as OWASP's password storage cheat sheet gives it: 600,000 iterations, a
 * 16-byte random salt, a 32-byte hash; compared in constant time.
 */
public final class Pbkdf2 {
  public static final int ITERATIONS = 600_000;
  public static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Pbkdf2() {}

  public static byte[] salt() {
    byte[] s = new byte[SALT_BYTES];
    RANDOM.nextBytes(s);
    return s;
  }

  /** The hash of {@code secret}; the chars given are wiped. */
  public static byte[] hash(char[] secret, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(secret, '\0');
    }
  }

  /** Whether {@code a} and {@code b} are equal, in time that depends on their length only. */
  public static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
