package dev.cairn.pipeline.webhook.internal;

import dev.cairn.core.Secret;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The forges' request signatures, each compared in constant time over the raw body before a byte of
 * it is parsed. Holds the key material; its {@link #toString()} shows none.
 */
public final class Signatures {
  /** What checking one request's signature found. */
  public enum Verdict {
    VALID,
    /** No signature header. */
    MISSING,
    /** The header is there more than once. */
    AMBIGUOUS,
    /** Not of the form the forge sends (not hex). */
    MALFORMED,
    /**
     * Another algorithm than HMAC-SHA256 ({@code sha1=...}), or a prefix the forge does not send.
     */
    WRONG_ALGORITHM,
    /** A digest of the wrong length. */
    WRONG_LENGTH,
    /** Well formed, but not made with this secret. */
    MISMATCH
  }

  private static final String HMAC = "HmacSHA256";
  private static final int SHA256_HEX = 64;

  private final SecretKeySpec key;
  private final byte[] tokenDigest;

  private Signatures(SecretKeySpec key, byte[] tokenDigest) {
    this.key = key;
    this.tokenDigest = tokenDigest;
  }

  /** Keys made from {@code secret}, which must not be empty. */
  public static Signatures of(Secret secret) {
    byte[] b = secret.bytes();
    try {
      if (b.length == 0) {
        throw new IllegalArgumentException("an empty webhook secret");
      }
      return new Signatures(new SecretKeySpec(b, HMAC), sha256(b));
    } finally {
      Arrays.fill(b, (byte) 0);
    }
  }

  /** The hex HMAC-SHA256 of {@code body}: what GitHub (after {@code sha256=}) and Gitea send. */
  public String hmacHex(byte[] body) {
    return HexFormat.of().formatHex(hmac(body));
  }

  /** GitHub's {@code X-Hub-Signature-256: sha256=<64 hex>} (all values of the header). */
  public Verdict github(@Nullable List<String> values, byte[] body) {
    if (values == null || values.isEmpty()) {
      return Verdict.MISSING;
    }
    if (values.size() > 1) {
      return Verdict.AMBIGUOUS;
    }
    String v = values.get(0);
    int eq = v.indexOf('=');
    if (eq < 0) {
      return Verdict.MALFORMED;
    }
    if (!v.substring(0, eq).equals("sha256")) {
      return Verdict.WRONG_ALGORITHM;
    }
    return compareHex(v.substring(eq + 1), body);
  }

  /**
   * Gitea's {@code X-Gitea-Signature} and Forgejo's {@code X-Forgejo-Signature}, bare hex: every
   * one present must hold (a bad Forgejo signature is not rescued by a good Gitea one).
   */
  public Verdict gitea(
      @Nullable List<String> giteaValues, @Nullable List<String> forgejoValues, byte[] body) {
    boolean any = false;
    for (List<String> values : Arrays.asList(forgejoValues, giteaValues)) {
      if (values == null || values.isEmpty()) {
        continue;
      }
      any = true;
      if (values.size() > 1) {
        return Verdict.AMBIGUOUS;
      }
      String v = values.get(0);
      if (v.indexOf('=') >= 0) {
        return Verdict.WRONG_ALGORITHM;
      }
      Verdict one = compareHex(v, body);
      if (one != Verdict.VALID) {
        return one;
      }
    }
    return any ? Verdict.VALID : Verdict.MISSING;
  }

  /**
   * GitLab's {@code X-Gitlab-Token}, the secret itself: compared as SHA-256 digests, so neither the
   * content nor the length of the secret shows in the time taken.
   */
  public Verdict gitlab(@Nullable List<String> values) {
    if (values == null || values.isEmpty()) {
      return Verdict.MISSING;
    }
    if (values.size() > 1) {
      return Verdict.AMBIGUOUS;
    }
    byte[] given = values.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return MessageDigest.isEqual(sha256(given), tokenDigest) ? Verdict.VALID : Verdict.MISMATCH;
  }

  private Verdict compareHex(String hex, byte[] body) {
    if (hex.length() != SHA256_HEX) {
      return Verdict.WRONG_LENGTH;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return Verdict.MALFORMED;
    }
    return MessageDigest.isEqual(hmac(body), given) ? Verdict.VALID : Verdict.MISMATCH;
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "Signatures[secret=***]";
  }
}
