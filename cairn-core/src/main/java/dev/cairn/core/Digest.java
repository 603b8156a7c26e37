package dev.cairn.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A content digest written as {@code algorithm:hex}, e.g. {@code sha256:9f86d0...}.
 *
 * @param algorithm lower-case algorithm name, e.g. {@code sha256}
 * @param hex lower-case hex of the digest bytes
 */
public record Digest(String algorithm, String hex) {
  public Digest {
    algorithm = algorithm.toLowerCase(Locale.ROOT);
    hex = hex.toLowerCase(Locale.ROOT);
    if (!algorithm.equals("sha256") || hex.length() != 64 || !hex.matches("[0-9a-f]+")) {
      throw new IllegalArgumentException("not a sha256 digest: " + algorithm + ":" + hex);
    }
  }

  /** The raw digest bytes. */
  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  /** A SHA-256 digest from its 32 raw bytes. */
  public static Digest ofSha256(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + raw.length);
    }
    return new Digest("sha256", HexFormat.of().formatHex(raw));
  }

  public static Digest sha256(byte[] data) {
    return new Digest("sha256", HexFormat.of().formatHex(sha256Bytes(data)));
  }

  public static Digest sha256(String utf8) {
    return sha256(utf8.getBytes(StandardCharsets.UTF_8));
  }

  public static Digest sha256(InputStream in) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
    return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
  }

  /** Parses {@code sha256:hex}. */
  public static Digest parse(String s) {
    int i = s.indexOf(':');
    if (i < 0) {
      throw new IllegalArgumentException("digest without algorithm: " + s);
    }
    return new Digest(s.substring(0, i), s.substring(i + 1));
  }

  public static byte[] sha256Bytes(byte[] data) {
    return newSha256().digest(data);
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
