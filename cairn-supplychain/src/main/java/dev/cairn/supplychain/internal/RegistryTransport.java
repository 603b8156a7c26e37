package dev.cairn.supplychain.internal;

import dev.cairn.core.Fix;
import dev.cairn.core.Secret;
import dev.cairn.supplychain.RegistryAuth;
import dev.cairn.supplychain.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * HTTP to one registry with the distribution API's authentication: a request goes out with what is
 * known to work (a cached bearer token for its scope, or basic credentials once the registry asked
 * for them); a 401 with a {@code Bearer} challenge fetches a token from the challenge's realm, a
 * {@code Basic} challenge sends the credentials, and the request is sent once more. Redirects are
 * followed by hand so that credentials never go to another origin. Every failure is a {@link
 * RegistryException} naming the registry, the operation and the status, never a secret.
 */
public final class RegistryTransport {
  /**
   * A request: method, path or absolute URI, headers, body (bytes, or a file streamed from disk and
   * sent again as often as a retry or an auth challenge needs), the scope it needs, its name, and
   * where an expected answer's body goes when not into memory ({@code responseFile}).
   */
  public record Request(
      String method,
      String target,
      Map<String, String> headers,
      byte @Nullable [] body,
      java.nio.file.@Nullable Path bodyFile,
      String scope,
      String operation,
      Set<Integer> expected,
      long maxBody,
      java.nio.file.@Nullable Path responseFile) {
    public Request {
      headers = Map.copyOf(headers);
      expected = Set.copyOf(expected);
      if (body != null && bodyFile != null) {
        throw new IllegalArgumentException("a request has one body");
      }
    }

    /** A request with {@code body} in memory (or none). */
    public Request(
        String method,
        String target,
        Map<String, String> headers,
        byte @Nullable [] body,
        String scope,
        String operation,
        Set<Integer> expected,
        long maxBody) {
      this(method, target, headers, body, null, scope, operation, expected, maxBody, null);
    }

    /** As this request, its expected answer's body written to {@code file}, not kept in memory. */
    public Request toFile(java.nio.file.Path file) {
      return new Request(
          method, target, headers, body, bodyFile, scope, operation, expected, maxBody, file);
    }
  }

  /** A response: status, headers and the body (empty for HEAD). */
  public record Response(int status, HttpHeaders headers, byte[] body, URI uri) {
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  private static final int MAX_REDIRECTS = 5;
  private static final long MAX_ERROR_BODY = 64 * 1024;

  private final String registry;
  private final URI base;
  private final RegistryAuth auth;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Clock clock;
  private final Set<String> plainHttpHosts;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private volatile boolean basicRequested;

  private record Token(Secret value, Instant expires) {}

  public RegistryTransport(
      String registry,
      URI base,
      RegistryAuth auth,
      HttpClient http,
      Duration requestTimeout,
      Clock clock,
      Set<String> plainHttpHosts) {
    this.registry = registry;
    this.base = base;
    this.auth = auth;
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.plainHttpHosts = Set.copyOf(plainHttpHosts);
  }

  public String registry() {
    return registry;
  }

  public URI base() {
    return base;
  }

  /** Sends {@code r}; a status outside {@code r.expected()} is an error. */
  public Response send(Request r) throws RegistryException {
    URI uri = resolve(r.target());
    Response resp = exchange(r, uri, authorization(r.scope()));
    if (resp.status() == 401) {
      List<String> challenges = resp.headers().allValues("WWW-Authenticate");
      Optional<AuthChallenge> bearer = AuthChallenge.find(challenges, "bearer");
      Optional<AuthChallenge> basic = AuthChallenge.find(challenges, "basic");
      String retry = null;
      if (bearer.isPresent() && !(auth instanceof RegistryAuth.Token)) {
        retry = "Bearer " + utf8(fetchToken(bearer.get(), r));
      } else if (basic.isPresent() && auth instanceof RegistryAuth.Basic b && !basicRequested) {
        basicRequested = true;
        retry = basicHeader(b);
      }
      if (retry != null) {
        resp = exchange(r, uri, retry);
      }
    }
    if (!r.expected().contains(resp.status())) {
      throw failure(r.operation(), resp);
    }
    return resp;
  }

  private URI resolve(String target) {
    return target.startsWith("http://") || target.startsWith("https://")
        ? URI.create(target)
        : base.resolve(target);
  }

  private @Nullable String authorization(String scope) {
    if (auth instanceof RegistryAuth.Token t) {
      return "Bearer " + utf8(t.token());
    }
    Token t = tokens.get(scope);
    if (t != null && clock.instant().isBefore(t.expires())) {
      return "Bearer " + utf8(t.value());
    }
    if (basicRequested && auth instanceof RegistryAuth.Basic b) {
      return basicHeader(b);
    }
    return null;
  }

  private static String basicHeader(RegistryAuth.Basic b) {
    byte[] pw = b.password().bytes();
    byte[] user = (b.username() + ":").getBytes(StandardCharsets.UTF_8);
    byte[] both = Arrays.copyOf(user, user.length + pw.length);
    System.arraycopy(pw, 0, both, user.length, pw.length);
    Arrays.fill(pw, (byte) 0);
    String h = "Basic " + Base64.getEncoder().encodeToString(both);
    Arrays.fill(both, (byte) 0);
    return h;
  }

  private static String utf8(Secret s) {
    byte[] b = s.bytes();
    try {
      return new String(b, StandardCharsets.UTF_8);
    } finally {
      Arrays.fill(b, (byte) 0);
    }
  }

  /** Follows the challenge to its realm and caches the token for the request's scope. */
  private Secret fetchToken(AuthChallenge c, Request r) throws RegistryException {
    String realm = c.param("realm").orElse("");
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      realmUri = null;
    }
    String op = "get a token for " + r.operation();
    if (realmUri == null
        || realmUri.getHost() == null
        || !("https".equals(realmUri.getScheme())
            || ("http".equals(realmUri.getScheme())
                && plainHttpHosts.contains(authority(realmUri))))) {
      throw new RegistryException(
          registry,
          op,
          401,
          "registry "
              + registry
              + " sent a token realm Cairn will not use ("
              + (realm.isEmpty() ? "none" : Wire.oneLine(realm, 120))
              + "): tokens are fetched over HTTPS, or plain HTTP only from a host allowed to be"
              + " plain",
          "check the registry's auth.token.realm, or allow plain HTTP for that host",
          Fix.of("registry.realm", "registry", registry),
          null);
    }
    StringBuilder q = new StringBuilder();
    c.param("service")
        .ifPresent(s -> q.append("service=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)));
    String scope = c.param("scope").orElse(r.scope());
    if (!scope.isEmpty()) {
      q.append(q.isEmpty() ? "" : "&")
          .append("scope=")
          .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }
    if (auth instanceof RegistryAuth.Basic b) {
      q.append(q.isEmpty() ? "" : "&")
          .append("account=")
          .append(URLEncoder.encode(b.username(), StandardCharsets.UTF_8));
    }
    String sep = realm.contains("?") ? "&" : "?";
    URI uri = URI.create(realm + (q.isEmpty() ? "" : sep + q));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", "application/json");
    if (auth instanceof RegistryAuth.Basic basic) {
      b.header("Authorization", basicHeader(basic));
    }
    HttpResponse<InputStream> resp = call(b.GET().build(), op, authority(uri));
    byte[] body = read(resp, 1024 * 1024, op);
    if (resp.statusCode() != 200) {
      throw new RegistryException(
          registry,
          op,
          resp.statusCode(),
          "token service "
              + authority(uri)
              + " of registry "
              + registry
              + " refused to "
              + op
              + ": HTTP "
              + resp.statusCode()
              + errorDetail(body),
          resp.statusCode() == 401 || resp.statusCode() == 403
              ? "check the username and password for " + registry
              : "check the token service's health and retry",
          Fix.of("registry.credentials", "registry", registry),
          null);
    }
    String token;
    long expiresIn;
    try {
      Map<String, Object> n = Wire.object(body);
      token = Wire.string(n.get("token"));
      if (token.isEmpty()) {
        token = Wire.string(n.get("access_token"));
      }
      expiresIn = Wire.number(n.get("expires_in"), 60);
    } catch (IOException e) {
      token = "";
      expiresIn = 0;
    }
    if (token.isEmpty()) {
      throw new RegistryException(
          registry,
          op,
          200,
          "token service " + authority(uri) + " of registry " + registry + " answered no token",
          "check the token service",
          null,
          null);
    }
    Secret s = Secret.ofUtf8(token);
    // renew 10 s early; a token with no lifetime is used for this request only
    Instant expires = clock.instant().plusSeconds(Math.max(0, Math.max(60, expiresIn) - 10));
    tokens.put(r.scope(), new Token(s, expires));
    return s;
  }

  private Response exchange(Request r, URI start, @Nullable String authorization)
      throws RegistryException {
    URI uri = start;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout);
      r.headers().forEach(b::header);
      boolean sameOrigin =
          authority(uri).equals(authority(base)) && scheme(uri).equals(scheme(base));
      if (authorization != null && sameOrigin) {
        b.header("Authorization", authorization);
      }
      byte[] body = r.body();
      HttpRequest.BodyPublisher publisher;
      if (r.bodyFile() != null) {
        try {
          publisher = HttpRequest.BodyPublishers.ofFile(r.bodyFile());
        } catch (java.io.FileNotFoundException e) {
          throw new RegistryException(
              registry,
              r.operation(),
              0,
              "cannot read " + r.bodyFile() + " to send it",
              "check that the file is still there",
              null,
              e);
        }
      } else {
        publisher =
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
      }
      b.method(r.method(), publisher);
      HttpResponse<InputStream> resp = call(b.build(), r.operation(), registry);
      int st = resp.statusCode();
      Optional<String> location = resp.headers().firstValue("Location");
      if ((st == 301 || st == 302 || st == 303 || st == 307 || st == 308)
          && location.isPresent()
          && (r.method().equals("GET") || r.method().equals("HEAD"))) {
        drain(resp);
        if (hop >= MAX_REDIRECTS) {
          throw new RegistryException(
              registry,
              r.operation(),
              st,
              "registry " + registry + " redirected " + r.operation() + " too many times",
              "check the registry's storage redirect settings",
              null,
              null);
        }
        URI next = uri.resolve(location.get());
        if ("http".equals(next.getScheme())
            && "https".equals(uri.getScheme())
            && !plainHttpHosts.contains(authority(next))) {
          throw new RegistryException(
              registry,
              r.operation(),
              st,
              "registry "
                  + registry
                  + " redirected "
                  + r.operation()
                  + " from HTTPS to plain HTTP ("
                  + authority(next)
                  + "), which Cairn refuses",
              "serve the registry's storage over HTTPS",
              null,
              null);
        }
        uri = next;
        continue;
      }
      long cap = r.expected().contains(st) ? r.maxBody() : MAX_ERROR_BODY;
      if (r.responseFile() != null && r.expected().contains(st) && !r.method().equals("HEAD")) {
        copy(resp, cap, r.operation(), r.responseFile());
        return new Response(st, resp.headers(), new byte[0], uri);
      }
      byte[] data = r.method().equals("HEAD") ? new byte[0] : read(resp, cap, r.operation());
      return new Response(st, resp.headers(), data, uri);
    }
  }

  private HttpResponse<InputStream> call(HttpRequest req, String op, String where)
      throws RegistryException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable(
          op, where + " did not accept a connection within " + seconds(http.connectTimeout()), e);
    } catch (HttpTimeoutException e) {
      throw unreachable(
          op, where + " did not answer within " + seconds(Optional.of(requestTimeout)), e);
    } catch (ConnectException e) {
      throw unreachable(op, "cannot connect to " + where + " (connection refused)", e);
    } catch (SSLException e) {
      throw new RegistryException(
          registry,
          op,
          0,
          "TLS with "
              + where
              + " failed while trying to "
              + op
              + ": "
              + Wire.oneLine(String.valueOf(e.getMessage()), 160),
          "give the registry's CA certificate if it uses a private CA, or allow plain HTTP"
              + " explicitly if it serves no TLS",
          Fix.of("registry.tls", "registry", registry),
          e);
    } catch (IOException e) {
      throw unreachable(
          op,
          "cannot talk to "
              + where
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + Wire.oneLine(e.getMessage(), 160)),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(
          registry, op, 0, "interrupted while trying to " + op + " at " + where, null, null, e);
    }
  }

  private RegistryException unreachable(String op, String what, Throwable cause) {
    return new RegistryException(
        registry,
        op,
        0,
        "registry " + registry + " unreachable: " + what + ", while trying to " + op,
        "check that the registry runs at " + registry + " and that the address and port are right",
        Fix.of("registry.unreachable", "registry", registry),
        cause);
  }

  private static String seconds(Optional<Duration> d) {
    return d.map(x -> x.toMillis() % 1000 == 0 ? x.toSeconds() + " s" : x.toMillis() + " ms")
        .orElse("the time allowed");
  }

  /** Streams the body to {@code file} (replacing it), at most {@code cap} bytes. */
  private void copy(HttpResponse<InputStream> resp, long cap, String op, java.nio.file.Path file)
      throws RegistryException {
    try (InputStream in = resp.body();
        java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > cap) {
          throw new RegistryException(
              registry,
              op,
              resp.statusCode(),
              "registry " + registry + " sent more than " + cap + " bytes for " + op,
              "check that the reference names what you expect",
              null,
              null);
        }
        out.write(buf, 0, n);
      }
    } catch (HttpTimeoutException e) {
      throw unreachable(
          op, registry + " stopped sending within " + seconds(Optional.of(requestTimeout)), e);
    } catch (IOException e) {
      throw unreachable(op, "the connection to " + registry + " broke: " + e.getMessage(), e);
    }
  }

  private byte[] read(HttpResponse<InputStream> resp, long cap, String op)
      throws RegistryException {
    try (InputStream in = resp.body()) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
      if (b.length > cap) {
        throw new RegistryException(
            registry,
            op,
            resp.statusCode(),
            "registry " + registry + " sent more than " + cap + " bytes for " + op,
            "check that the reference names what you expect",
            null,
            null);
      }
      return b;
    } catch (HttpTimeoutException e) {
      throw unreachable(
          op, registry + " stopped sending within " + seconds(Optional.of(requestTimeout)), e);
    } catch (IOException e) {
      throw unreachable(op, "the connection to " + registry + " broke: " + e.getMessage(), e);
    }
  }

  private static void drain(HttpResponse<InputStream> resp) {
    try (InputStream in = resp.body()) {
      in.readNBytes(64 * 1024);
    } catch (IOException e) {
      // the connection is dropped; nothing to keep
    }
  }

  /** The registry's error for {@code resp}, one line with a hint for the status. */
  RegistryException failure(String op, Response resp) {
    int st = resp.status();
    String hint;
    Fix fix;
    if (st == 401) {
      hint =
          auth instanceof RegistryAuth.Anonymous
              ? "give credentials for " + registry
              : "check the username and password (or token) for " + registry;
      fix = Fix.of("registry.credentials", "registry", registry);
    } else if (st == 403) {
      hint = "check that the account may do this in the repository";
      fix = Fix.of("registry.permission", "registry", registry);
    } else if (st == 404) {
      hint = "check the repository and the tag or digest";
      fix = Fix.of("registry.not-found", "registry", registry);
    } else if (st == 405) {
      hint = "check that the registry allows this operation (a read-only mirror refuses pushes)";
      fix = Fix.of("registry.method", "registry", registry);
    } else if (st >= 500) {
      hint = "check the registry's health and retry";
      fix = Fix.of("registry.server-error", "registry", registry);
    } else {
      hint = "check the registry's documentation for this status";
      fix = Fix.of("registry.status", "registry", registry);
    }
    return new RegistryException(
        registry,
        op,
        st,
        "registry "
            + registry
            + " refused to "
            + op
            + ": HTTP "
            + st
            + " "
            + reason(st)
            + errorDetail(resp.body()),
        hint,
        fix,
        null);
  }

  /** {@code " (CODE: message; …)"} from a distribution-spec error body, or nothing. */
  static String errorDetail(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    try {
      Map<String, Object> n = Wire.object(body);
      StringBuilder b = new StringBuilder();
      for (Object o : Wire.list(n.get("errors"))) {
        Map<String, Object> e = Wire.map(o);
        if (!b.isEmpty()) {
          b.append("; ");
        }
        String code = Wire.string(e.get("code"));
        b.append(code.isEmpty() ? "?" : code);
        String m = Wire.string(e.get("message"));
        if (!m.isEmpty()) {
          b.append(": ").append(m);
        }
      }
      return b.isEmpty() ? "" : " (" + Wire.oneLine(b.toString(), 200) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  static String reason(int st) {
    Map<Integer, String> m = new LinkedHashMap<>();
    m.put(400, "Bad Request");
    m.put(401, "Unauthorized");
    m.put(403, "Forbidden");
    m.put(404, "Not Found");
    m.put(405, "Method Not Allowed");
    m.put(409, "Conflict");
    m.put(413, "Payload Too Large");
    m.put(416, "Range Not Satisfiable");
    m.put(429, "Too Many Requests");
    m.put(500, "Internal Server Error");
    m.put(502, "Bad Gateway");
    m.put(503, "Service Unavailable");
    return m.getOrDefault(st, "");
  }

  static String authority(URI u) {
    int port = u.getPort();
    return u.getHost() + (port < 0 ? "" : ":" + port);
  }

  private static String scheme(URI u) {
    return String.valueOf(u.getScheme()).toLowerCase(Locale.ROOT);
  }
}
