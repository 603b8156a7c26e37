package dev.cairn.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small token service as docker distribution's token authentication specifies: {@code GET
 * /token?service=S&scope=repository:NAME:ACTIONS} with HTTP basic credentials answers {@code
 * {"token": JWT, ...}}, the JWT signed (ES256) by a key whose certificate is the registry's {@code
 * rootcertbundle} and named in the JWT's {@code x5c} header. Wrong credentials get 401; no
 * credentials get a token with no access, as anonymous users do.
 */
final class RegistryTokenService implements AutoCloseable {
  static final String SERVICE = "cairn-test-registry";
  static final String ISSUER = "cairn-test-token-issuer";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final TestPki.Issued signer;
  private final String user;
  private final String password;
  private final AtomicInteger issued = new AtomicInteger();

  RegistryTokenService(TestPki.Issued tls, TestPki.Issued signer, String user, String password)
      throws IOException {
    this.signer = signer;
    this.user = user;
    this.password = password;
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    server.createContext("/token", this::handle);
    server.start();
  }

  String realm() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  int tokensIssued() {
    return issued.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      boolean anonymous = auth == null;
      if (!anonymous && !validBasic(auth)) {
        byte[] body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(401, body.length);
        ex.getResponseBody().write(body);
        return;
      }
      String service = "";
      List<String> scopes = new ArrayList<>();
      String q = ex.getRequestURI().getRawQuery();
      for (String kv : q == null ? new String[0] : q.split("&")) {
        int i = kv.indexOf('=');
        String k = i < 0 ? kv : kv.substring(0, i);
        String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
        if (k.equals("service")) {
          service = v;
        } else if (k.equals("scope")) {
          scopes.add(v);
        }
      }
      String token = jwt(anonymous ? "" : user, service, anonymous ? List.of() : scopes);
      issued.incrementAndGet();
      ObjectNode resp = JSON.createObjectNode();
      resp.put("token", token);
      resp.put("access_token", token);
      resp.put("expires_in", 300);
      resp.put("issued_at", Instant.now().toString());
      byte[] body = JSON.writeValueAsBytes(resp);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot sign a token: " + e.getMessage(), e);
    }
  }

  private boolean validBasic(String header) {
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] got;
    try {
      got = Base64.getDecoder().decode(header.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] want = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(got, want);
  }

  private String jwt(String subject, String audience, List<String> scopes)
      throws GeneralSecurityException, IOException {
    ObjectNode header = JSON.createObjectNode();
    header.put("typ", "JWT");
    header.put("alg", "ES256");
    try {
      header
          .putArray("x5c")
          .add(Base64.getEncoder().encodeToString(signer.certificate().getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new GeneralSecurityException(e);
    }
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put("sub", subject);
    claims.put("aud", audience);
    claims.put("exp", now + 300);
    claims.put("nbf", now - 10);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : scopes) {
      // repository:NAME:ACTIONS, where NAME may hold ':' only before the last one
      int last = scope.lastIndexOf(':');
      int first = scope.indexOf(':');
      if (first < 0 || last <= first) {
        continue;
      }
      ObjectNode a = access.addObject();
      a.put("type", scope.substring(0, first));
      a.put("name", scope.substring(first + 1, last));
      ArrayNode actions = a.putArray("actions");
      Arrays.stream(scope.substring(last + 1).split(",")).forEach(actions::add);
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + b64.encodeToString(JSON.writeValueAsBytes(claims));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(signer.keys().getPrivate());
    s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + b64.encodeToString(derToJose(s.sign()));
  }

  /** JWS wants ECDSA signatures as R || S, 32 bytes each, not ASN.1 DER. */
  static byte[] derToJose(byte[] der) {
    int i = 2;
    if ((der[1] & 0x80) != 0) {
      i += der[1] & 0x7f;
    }
    byte[] out = new byte[64];
    for (int part = 0; part < 2; part++) {
      int len = der[i + 1];
      byte[] v = Arrays.copyOfRange(der, i + 2, i + 2 + len);
      byte[] fixed = new BigInteger(1, v).toByteArray();
      int off = fixed.length > 32 ? fixed.length - 32 : 0;
      int n = fixed.length - off;
      System.arraycopy(fixed, off, out, part * 32 + 32 - n, n);
      i += 2 + len;
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
