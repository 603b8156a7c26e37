package dev.cairn.attest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The attestation service over HTTP (JSON), for measured workloads in other processes and for
 * {@code cairn attest serve}: {@code GET /v1/challenge?session=S&service=V}, {@code POST
 * /v1/release}. Answers 403 with {@code {"error": ...}} when attestation fails.
 */
public final class AttestationHttp implements AutoCloseable {
  private final HttpServer server;

  private AttestationHttp(HttpServer server) {
    this.server = server;
  }

  /** Serves {@code service} on {@code host:port} (port 0 picks a free one). */
  public static AttestationHttp serve(AttestationService service, String host, int port)
      throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
    s.createContext(
        "/v1/challenge",
        ex ->
            handle(
                ex,
                () -> {
                  Map<String, String> q = query(ex.getRequestURI());
                  AttestationService.Challenge c =
                      service.challenge(
                          q.getOrDefault("session", ""), q.getOrDefault("service", ""));
                  return Map.of("nonce", b64(c.nonce()), "expiresAt", c.expiresAt().toString());
                }));
    s.createContext(
        "/v1/release",
        ex ->
            handle(
                ex,
                () -> {
                  if (!ex.getRequestMethod().equals("POST")) {
                    throw new AttestationException("use POST", null);
                  }
                  Map<?, ?> body =
                      Json.parseObject(
                          new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                  Evidence e =
                      Evidence.parse(
                          Json.canonical(
                              java.util.Objects.requireNonNull(body.get("evidence"), "evidence")));
                  AttestationService.Release r =
                      service.release(
                          str(body, "session"),
                          str(body, "service"),
                          unb64(str(body, "nonce")),
                          e,
                          unb64(str(body, "enclaveKey")));
                  List<Map<String, String>> secrets = new ArrayList<>();
                  for (SealedSecret ss : r.secrets()) {
                    secrets.add(
                        Map.of(
                            "name",
                            ss.name(),
                            "enc",
                            b64(ss.enc()),
                            "ciphertext",
                            b64(ss.ciphertext())));
                  }
                  return Map.of(
                      "policy",
                      r.policy().toString(),
                      "secrets",
                      secrets,
                      "command",
                      r.command(),
                      "env",
                      r.env(),
                      "maxValiditySeconds",
                      r.maxValidity().toSeconds());
                }));
    s.createContext(
        "/v1/trust",
        ex ->
            handle(
                ex,
                () -> {
                  Map<String, String> q = query(ex.getRequestURI());
                  return Json.parseObject(
                      service
                          .published(
                              q.getOrDefault("session", ""),
                              q.getOrDefault("service", ""),
                              q.getOrDefault("secret", ""),
                              q.getOrDefault("ledgerSecret", ""))
                          .toJson());
                }));
    s.setExecutor(
        java.util.concurrent.Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "cairn-attest-http");
              t.setDaemon(true);
              return t;
            }));
    s.start();
    return new AttestationHttp(s);
  }

  public URI uri() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort());
  }

  private interface Handler {
    Object handle() throws Exception;
  }

  private static void handle(HttpExchange ex, Handler h) throws IOException {
    int code;
    Object out;
    try {
      out = h.handle();
      code = 200;
    } catch (AttestationException e) {
      code = 403;
      out = Map.of("error", String.valueOf(e.getMessage()));
    } catch (Exception e) {
      code = 400;
      out = Map.of("error", "bad request: " + e.getClass().getSimpleName());
    }
    byte[] b = Json.canonical(out).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private static Map<String, String> query(URI u) {
    Map<String, String> m = new HashMap<>();
    String q = u.getRawQuery();
    if (q != null) {
      for (String p : q.split("&")) {
        int i = p.indexOf('=');
        if (i > 0) {
          m.put(
              URLDecoder.decode(p.substring(0, i), StandardCharsets.UTF_8),
              URLDecoder.decode(p.substring(i + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return m;
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] unb64(String s) {
    return Base64.getDecoder().decode(s);
  }

  private static String str(Map<?, ?> m, String k) {
    if (m.get(k) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("missing " + k);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** The workload's side: get a nonce, present evidence, receive sealed secrets. */
  public static final class Client {
    private final URI base;

    public Client(URI base) {
      this.base = base;
    }

    public byte[] challenge(String session, String service) throws AttestationException {
      Map<?, ?> r =
          call(
              base.resolve("/v1/challenge?session=" + enc(session) + "&service=" + enc(service)),
              null);
      return unb64(str(r, "nonce"));
    }

    @SuppressWarnings("unchecked")
    public AttestationService.Release release(
        String session, String service, byte[] nonce, Evidence evidence, byte[] enclaveKey)
        throws AttestationException {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("session", session);
      body.put("service", service);
      body.put("nonce", b64(nonce));
      try {
        body.put("evidence", Json.parseObject(evidence.toJson()));
      } catch (IOException e) {
        throw new AttestationException("cannot encode evidence", null, e);
      }
      body.put("enclaveKey", b64(enclaveKey));
      Map<?, ?> r = call(base.resolve("/v1/release"), Json.canonical(body));
      List<SealedSecret> out = new ArrayList<>();
      if (r.get("secrets") instanceof List<?> l) {
        for (Object o : l) {
          Map<?, ?> m = (Map<?, ?>) o;
          out.add(
              new SealedSecret(str(m, "name"), unb64(str(m, "enc")), unb64(str(m, "ciphertext"))));
        }
      }
      List<String> command = r.get("command") instanceof List<?> c ? (List<String>) c : List.of();
      Map<String, String> env =
          r.get("env") instanceof Map<?, ?> e ? (Map<String, String>) e : Map.of();
      return new AttestationService.Release(
          dev.cairn.core.Digest.parse(str(r, "policy")),
          out,
          command,
          env,
          r.get("maxValiditySeconds") instanceof Number max
              ? java.time.Duration.ofSeconds(max.longValue())
              : Policy.DEFAULT_MAX_VALIDITY);
    }

    /**
     * What the service publishes for a session's service: its policy, measurements, platform keys
     * and the public halves of the signing and (if any) ledger secrets.
     */
    public PublishedTrust trust(
        String session, String service, String signingSecret, String ledgerSecret)
        throws AttestationException {
      Map<?, ?> m =
          call(
              base.resolve(
                  "/v1/trust?session="
                      + enc(session)
                      + "&service="
                      + enc(service)
                      + "&secret="
                      + enc(signingSecret)
                      + "&ledgerSecret="
                      + enc(ledgerSecret)),
              null);
      return PublishedTrust.parse(Json.canonical(m));
    }

    private static String enc(String s) {
      return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** GET, or POST of a JSON body (HttpURLConnection: a tenth of java.net.http's start-up). */
    private Map<?, ?> call(URI uri, @Nullable String body) throws AttestationException {
      try {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(60_000);
        if (body != null) {
          c.setRequestMethod("POST");
          c.setDoOutput(true);
          c.setRequestProperty("Content-Type", "application/json");
          try (java.io.OutputStream o = c.getOutputStream()) {
            o.write(body.getBytes(StandardCharsets.UTF_8));
          }
        }
        int status = c.getResponseCode();
        java.io.InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "{}" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Map<?, ?> m;
        try {
          m = Json.parseObject(text);
        } catch (IOException e) {
          throw new AttestationException(
              "the attestation service at " + base + " answered HTTP " + status + " without JSON",
              "check the attestation service's URL: it should point at a Cairn attestation service",
              e);
        }
        if (status != 200) {
          throw new AttestationException("attestation service refused: " + m.get("error"), null);
        }
        return m;
      } catch (IOException e) {
        throw new AttestationException(
            "cannot reach the attestation service at " + base + ": " + e.getMessage(),
            "check the attestation service's URL and that the service runs",
            e);
      }
    }
  }
}
