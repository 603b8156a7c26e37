package dev.cairn.deploy.duties;

import dev.cairn.core.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An action request with its identity's Ed25519 signature over {@link ActionRequest}'s canonical
 * JSON: proof of which identity made it. Check it with {@link Duties#requireSigned}.
 *
 * @param request what was asked
 * @param keyId {@code sha256:} of the signer's raw public key
 * @param signature base64 Ed25519 signature
 */
public record SignedAction(ActionRequest request, String keyId, String signature) {
  /** Signs {@code request} with the requesting identity's own key. */
  public static SignedAction sign(IdentityKey key, ActionRequest request) {
    if (!key.name().equals(request.identity())) {
      throw new IllegalArgumentException(
          key.name() + " cannot sign a request made in the name of " + request.identity());
    }
    return new SignedAction(request, key.identity().keyId(), key.sign(request.signedBytes()));
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("request", request.toMap());
    m.put("keyId", keyId);
    m.put("signature", signature);
    return Json.pretty(m);
  }

  /** Reads what {@link #toJson} wrote; the signature is checked later, by the roster. */
  public static SignedAction parse(String json) throws DutyException {
    try {
      Map<String, Object> m = Json.parseObject(json);
      if (!(m.get("request") instanceof Map<?, ?> r)
          || !(r.get("parameters") instanceof Map<?, ?> p)) {
        throw new IllegalArgumentException("request and its parameters must be objects");
      }
      Map<String, String> params = new TreeMap<>();
      p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
      return new SignedAction(
          new ActionRequest(
              String.valueOf(r.get("identity")),
              String.valueOf(r.get("action")),
              params,
              Instant.parse(String.valueOf(r.get("at")))),
          String.valueOf(m.get("keyId")),
          String.valueOf(m.get("signature")));
    } catch (IOException | RuntimeException e) {
      throw new DutyException(
          "not a signed action request: " + e.getMessage(),
          "sign the request again with the identity's own Cairn home",
          e);
    }
  }
}
