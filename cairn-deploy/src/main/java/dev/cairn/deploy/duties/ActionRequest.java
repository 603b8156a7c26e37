package dev.cairn.deploy.duties;

import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an identity asks Cairn to do: {@code deploy} of a digest to a target, {@code waiver.add}, …
 * Its canonical JSON is what the identity signs ({@link SignedAction}).
 *
 * @param identity who asks
 * @param action what, e.g. {@code deploy}
 * @param parameters the action's values (target, digest, …)
 * @param at when it was asked; a verifier refuses requests too old or from the future
 */
public record ActionRequest(
    String identity, String action, Map<String, String> parameters, Instant at) {
  static final String DOMAIN = "cairn-action-v1\n";

  public ActionRequest {
    if (!Identity.validName(identity)) {
      throw new IllegalArgumentException("not an identity name: " + identity);
    }
    if (action.isBlank()) {
      throw new IllegalArgumentException("an action needs a name");
    }
    parameters = java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("identity", identity);
    m.put("action", action);
    m.put("parameters", parameters);
    m.put("at", at.toString());
    return m;
  }

  /** The bytes signed: a domain tag, then the canonical JSON. */
  byte[] signedBytes() {
    return (DOMAIN + Json.canonical(toMap())).getBytes(StandardCharsets.UTF_8);
  }
}
