package dev.cairn.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * DSSE (Dead Simple Signing Envelope) v1: signatures over {@code PAE(payloadType, payload)}, with
 * Ed25519 keys or ECDSA keys (SHA-256, ASN.1 DER signatures, as cosign writes them). {@link
 * #verify} fails closed and says why.
 */
public final class Dsse {
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  private Dsse() {}

  /** One signature of an envelope. */
  public record Sig(String keyid, byte[] sig) {
    public Sig {
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }
  }

  /** A parsed envelope. */
  public record Envelope(String payloadType, byte[] payload, List<Sig> signatures) {
    public Envelope {
      payload = payload.clone();
      signatures = List.copyOf(signatures);
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    /** The envelope as JSON, as written to disk and hashed for its digest. */
    public String toJson() {
      ObjectNode o = Json.mapper().createObjectNode();
      o.put("payload", Base64.getEncoder().encodeToString(payload));
      o.put("payloadType", payloadType);
      ArrayNode sigs = o.putArray("signatures");
      for (Sig s : signatures) {
        ObjectNode so = sigs.addObject();
        so.put("keyid", s.keyid());
        so.put("sig", Base64.getEncoder().encodeToString(s.sig()));
      }
      return Json.canonical(Json.mapper().convertValue(o, java.util.Map.class));
    }

    public Digest digest() {
      return Digest.sha256(toJson());
    }
  }

  /** {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}. */
  public static byte[] pae(String payloadType, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  public static Envelope sign(String payloadType, byte[] payload, PrivateKey key, String keyid) {
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initSign(key);
      s.update(pae(payloadType, payload));
      return new Envelope(payloadType, payload, List.of(new Sig(keyid, s.sign())));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot sign with an " + key.getAlgorithm() + " key: " + e.getMessage(), e);
    }
  }

  /** Parses envelope JSON; throws with a reason on anything malformed. */
  public static Envelope parse(String json) throws CairnException {
    try {
      JsonNode n = Json.mapper().readTree(json);
      if (n == null
          || !n.isObject()
          || !n.path("payload").isTextual()
          || !n.path("payloadType").isTextual()
          || !n.path("signatures").isArray()) {
        throw new CairnException(
            "not a DSSE envelope (needs payload, payloadType and signatures)", null);
      }
      List<Sig> sigs = new ArrayList<>();
      for (JsonNode s : n.get("signatures")) {
        sigs.add(
            new Sig(
                s.path("keyid").asText(""), Base64.getDecoder().decode(s.path("sig").asText(""))));
      }
      return new Envelope(
          n.get("payloadType").asText(),
          Base64.getDecoder().decode(n.get("payload").asText()),
          sigs);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CairnException("not a DSSE envelope: " + Json.oneLine(e), null, e);
    } catch (IOException | IllegalArgumentException e) {
      throw new CairnException("not a DSSE envelope: " + e.getMessage(), null, e);
    }
  }

  /** True when some signature of {@code e} verifies under {@code key} over PAE. */
  public static boolean verify(Envelope e, PublicKey key) {
    for (Sig s : e.signatures()) {
      try {
        Signature v = Signature.getInstance(algorithm(key));
        v.initVerify(key);
        v.update(pae(e.payloadType(), e.payload()));
        if (v.verify(s.sig())) {
          return true;
        }
      } catch (GeneralSecurityException ex) {
        // a malformed signature is a failed one
      }
    }
    return false;
  }

  /** The JCA signature algorithm for a key: Ed25519, or SHA-256 with ECDSA for an EC key. */
  private static String algorithm(java.security.Key key) {
    return "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "Ed25519";
  }
}
