package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Secret bytes: a key, a token, a password. Never printed: {@link #toString()} is {@code ***}, and
 * it is deliberately not a record so that no generated method exposes the bytes.
 */
public final class Secret {
  private final byte[] value;

  private Secret(byte[] value) {
    this.value = value.clone();
  }

  public static Secret of(byte[] value) {
    return new Secret(value);
  }

  public static Secret ofUtf8(String value) {
    return new Secret(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the secret bytes; the caller should wipe it when done. */
  public byte[] bytes() {
    return value.clone();
  }

  public int length() {
    return value.length;
  }

  /** Zeroes the bytes held here. */
  public void destroy() {
    Arrays.fill(value, (byte) 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(value, s.value);
  }

  @Override
  public int hashCode() {
    return value.length;
  }

  @Override
  public String toString() {
    return "***";
  }
}
