package dev.cairn.server.notify;

import dev.cairn.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on a notification: {@code X-Cairn-Signature: t=<unix seconds>,v1=<hex>}, where the
 * hex is HMAC-SHA256 under the endpoint's secret of {@code <t>.<body>}. The time is signed with the
 * body, so a receiver that checks it is fresh refuses a replay of an old delivery.
 */
public final class Signatures {
  /** The header it is sent in. */
  public static final String HEADER = "X-Cairn-Signature";

  private Signatures() {}

  /** The header value for {@code body} sent at {@code epochSecond}. */
  public static String sign(Secret secret, long epochSecond, byte[] body) {
    return "t=" + epochSecond + ",v1=" + HexFormat.of().formatHex(mac(secret, epochSecond, body));
  }

  /**
   * Whether {@code header} is a valid signature of {@code body} made within {@code tolerance} of
   * {@code now}: what a receiver checks.
   */
  public static boolean verify(
      Secret secret, String header, byte[] body, Instant now, Duration tolerance) {
    long t = -1;
    byte[] given = null;
    for (String part : header.split(",")) {
      String p = part.strip();
      try {
        if (p.startsWith("t=")) {
          t = Long.parseLong(p.substring(2));
        } else if (p.startsWith("v1=")) {
          given = HexFormat.of().parseHex(p.substring(3));
        }
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    if (t < 0 || given == null) {
      return false;
    }
    if (Duration.between(Instant.ofEpochSecond(t), now).abs().compareTo(tolerance) > 0) {
      return false;
    }
    return MessageDigest.isEqual(mac(secret, t, body), given);
  }

  private static byte[] mac(Secret secret, long epochSecond, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.bytes(), "HmacSHA256"));
      mac.update((epochSecond + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
