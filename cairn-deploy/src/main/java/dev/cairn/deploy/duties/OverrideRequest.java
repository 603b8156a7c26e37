package dev.cairn.deploy.duties;

import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A break-glass request: deploy this image digest to this target although the gate refuses it for
 * these reasons, until {@code expiry}. Two identities sign exactly these bytes ({@link
 * BreakGlass}).
 *
 * @param target the deploy target
 * @param imageDigest {@code sha256:<hex>} of the image
 * @param reason why, for the audit record
 * @param lifts the gate's refusal reasons it lifts (names such as {@code certificate.expired})
 * @param created when it was made
 * @param expiry when it stops counting; at most {@link #MAX_LIFETIME} after {@code created}
 */
public record OverrideRequest(
    String target,
    String imageDigest,
    String reason,
    List<String> lifts,
    Instant created,
    Instant expiry) {
  /** An override lasts at most this long: break-glass is for an incident, not a policy. */
  public static final Duration MAX_LIFETIME = Duration.ofHours(24);

  static final String DOMAIN = "cairn-override-v1\n";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern REASON_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  public OverrideRequest {
    if (target.isBlank()) {
      throw new IllegalArgumentException("an override names its target");
    }
    if (!DIGEST.matcher(imageDigest).matches()) {
      throw new IllegalArgumentException("not an image digest (sha256:<64 hex>): " + imageDigest);
    }
    if (reason.isBlank()) {
      throw new IllegalArgumentException("an override says why (reason)");
    }
    if (lifts.isEmpty()) {
      throw new IllegalArgumentException("an override names the refusal reasons it lifts");
    }
    for (String l : lifts) {
      if (!REASON_NAME.matcher(l).matches()) {
        throw new IllegalArgumentException("not a refusal reason name: " + l);
      }
    }
    lifts = List.copyOf(new TreeSet<>(lifts));
    if (!expiry.isAfter(created)) {
      throw new IllegalArgumentException("an override expires after it is made");
    }
    if (Duration.between(created, expiry).compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "an override lasts at most " + MAX_LIFETIME.toHours() + " hours");
    }
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("imageDigest", imageDigest);
    m.put("reason", reason);
    m.put("lifts", lifts);
    m.put("created", created.toString());
    m.put("expiry", expiry.toString());
    return m;
  }

  byte[] signedBytes() {
    return (DOMAIN + Json.canonical(toMap())).getBytes(StandardCharsets.UTF_8);
  }
}
