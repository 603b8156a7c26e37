package dev.cairn.deploy.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.cairn.core.CairnException;
import dev.cairn.core.Text;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Serves an {@link Admission} over HTTPS (the JDK's own server, TLS 1.2 and 1.3): {@code POST
 * /validate} takes an AdmissionReview and answers one; {@code GET /healthz} answers {@code ok}. A
 * body that is not an AdmissionReview with a request uid is answered 400 (the API server then
 * applies the failure policy: with {@code Fail}, a denial).
 */
public final class AdmissionServer implements AutoCloseable {
  /** The largest review read (the API server's own request limit is 3 MiB). */
  static final int MAX_BODY = 6 * 1024 * 1024;

  private final HttpsServer server;
  private final ExecutorService executor;

  private AdmissionServer(HttpsServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves on {@code host:port} (port 0 picks a free one).
   *
   * @throws CairnException when the address cannot be bound
   */
  public static AdmissionServer serve(Admission admission, WebhookTls tls, String host, int port)
      throws CairnException {
    HttpsServer s;
    try {
      s = HttpsServer.create(new InetSocketAddress(host, port), 64);
    } catch (BindException e) {
      throw new CairnException(
          "cannot listen on " + host + ":" + port + ": " + Text.describe(e),
          "choose a free port with --port, or stop what listens there",
          e);
    } catch (IOException e) {
      throw new CairnException(
          "cannot listen on " + host + ":" + port + ": " + Text.describe(e),
          "check the address given with --host",
          e);
    }
    SSLContext ctx = tls.serverContext();
    s.setHttpsConfigurator(
        new HttpsConfigurator(ctx) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = ctx.getDefaultSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            p.setNeedClientAuth(false);
            params.setSSLParameters(p);
          }
        });
    s.createContext("/validate", ex -> validate(ex, admission));
    s.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok"));
    ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
    s.setExecutor(ex);
    s.start();
    return new AdmissionServer(s, ex);
  }

  private static void validate(HttpExchange ex, Admission admission) throws IOException {
    try {
      if (!ex.getRequestMethod().equals("POST")) {
        respond(ex, 405, "text/plain", "POST an AdmissionReview to /validate");
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        respond(ex, 413, "text/plain", "an AdmissionReview of more than 6 MiB");
        return;
      }
      Optional<String> out = admission.review(new String(body, StandardCharsets.UTF_8));
      if (out.isEmpty()) {
        respond(ex, 400, "text/plain", "not an AdmissionReview with a request uid");
        return;
      }
      respond(ex, 200, "application/json", out.get());
    } catch (RuntimeException e) {
      respond(ex, 500, "text/plain", "internal error: " + e.getClass().getSimpleName());
    }
  }

  private static void respond(HttpExchange ex, int code, String type, String text)
      throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code https://HOST:PORT/validate}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    return URI.create("https://" + a.getHostString() + ":" + a.getPort() + "/validate");
  }

  /** Stops listening, at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
