package dev.cairn.pipeline.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WebhookHandler} served over HTTP with the JDK's server, one virtual thread per request:
 * {@code POST /hooks/github}, {@code /hooks/gitlab}, {@code /hooks/gitea} (Forgejo too), or {@code
 * /hooks} to tell the forge by its headers. Any other path is 404. {@link #close()} stops taking
 * connections and lets requests in flight finish for up to the grace period.
 */
public final class WebhookServer implements AutoCloseable {
  /** How long {@link #close()} waits for requests in flight. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

  private static final String PREFIX = "/hooks";

  private final HttpServer server;
  private final ExecutorService executor;
  private final WebhookHandler handler;

  private WebhookServer(HttpServer server, ExecutorService executor, WebhookHandler handler) {
    this.server = server;
    this.executor = executor;
    this.handler = handler;
  }

  /**
   * Serves {@code handler} on {@code address} (port 0 takes a free port; see {@link #port()}).
   *
   * @throws WebhookException when the address cannot be bound
   */
  public static WebhookServer start(WebhookHandler handler, InetSocketAddress address)
      throws WebhookException {
    Objects.requireNonNull(handler, "handler");
    HttpServer s;
    try {
      s = HttpServer.create(address, 256);
    } catch (IOException e) {
      throw new WebhookException(
          "cannot listen on " + address + ": " + e.getMessage(),
          "choose a free port, or stop what listens there",
          e);
    }
    ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
    WebhookServer ws = new WebhookServer(s, ex, handler);
    s.createContext(PREFIX, ws::exchange);
    s.setExecutor(ex);
    s.start();
    return ws;
  }

  private void exchange(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      SourceKind route;
      if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
        route = null;
      } else if (path.startsWith(PREFIX + "/")) {
        route = SourceKind.byId(path.substring(PREFIX.length() + 1)).orElse(null);
        if (route == null) {
          send(ex, 404, "{\"status\":\"not-found\"}", Map.of());
          return;
        }
      } else {
        send(ex, 404, "{\"status\":\"not-found\"}", Map.of());
        return;
      }
      String remote =
          ex.getRemoteAddress() == null || ex.getRemoteAddress().getAddress() == null
              ? "unknown"
              : ex.getRemoteAddress().getAddress().getHostAddress();
      WebhookRequest req =
          new WebhookRequest(ex.getRequestMethod(), route, ex.getRequestHeaders(), remote);
      Outcome o;
      try (InputStream in = ex.getRequestBody()) {
        o = handler.handle(req, in);
      }
      send(ex, o.status(), o.body(), o.headers());
    }
  }

  private static void send(HttpExchange ex, int status, String body, Map<String, String> headers)
      throws IOException {
    for (Map.Entry<String, String> h : headers.entrySet()) {
      ex.getResponseHeaders().set(h.getKey(), h.getValue());
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    if (b.length == 0) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  /** The address served. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/hooks}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + PREFIX);
  }

  /** Stops taking connections and waits up to {@code grace} for requests in flight. */
  public void stop(Duration grace) {
    server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, grace.toSeconds())));
    executor.shutdown();
    try {
      if (!executor.awaitTermination(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }

  @Override
  public String toString() {
    return "WebhookServer[" + uri() + ", " + handler + "]";
  }
}
