package dev.cairn.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real git smart-HTTP server for tests and benchmarks: Debian's {@code git http-backend} (CGI)
 * behind the JDK's HTTP server on 127.0.0.1, with HTTP basic authentication of one user and token.
 * Debian's {@code git} is installed with {@code apt-get} when the backend is missing.
 */
public final class GitHttpServer implements AutoCloseable {
  static final Path BACKEND = Path.of("/usr/lib/git-core/git-http-backend");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Path root;
  private final String expectedAuth;

  /** Every request line the server saw, to check that no token is in a URL. */
  private final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());

  /**
   * Serves the repositories under {@code root} (e.g. {@code root/app.git}) to {@code user} with
   * {@code token}.
   */
  public GitHttpServer(Path root, String user, String token) throws IOException {
    DebianPackages.ensure("git", BACKEND);
    this.root = root;
    this.expectedAuth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Every request line the server saw so far. */
  public List<String> requestLines() {
    synchronized (requestLines) {
      return List.copyOf(requestLines);
    }
  }

  /** The URL of a repository under the root, e.g. {@code app.git}. */
  public String url(String repo) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repo;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      requestLines.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null
          || !java.security.MessageDigest.isEqual(
              auth.getBytes(StandardCharsets.UTF_8),
              expectedAuth.getBytes(StandardCharsets.UTF_8))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      ProcessBuilder pb = new ProcessBuilder(BACKEND.toString());
      Map<String, String> env = pb.environment();
      env.clear();
      env.put("PATH", "/usr/bin:/bin");
      env.put("GIT_PROJECT_ROOT", root.toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("REQUEST_METHOD", ex.getRequestMethod());
      env.put("PATH_INFO", ex.getRequestURI().getRawPath());
      String q = ex.getRequestURI().getRawQuery();
      env.put("QUERY_STRING", q == null ? "" : q);
      env.put("REMOTE_USER", "git");
      env.put("REMOTE_ADDR", "127.0.0.1");
      env.put("CONTENT_LENGTH", Integer.toString(body.length));
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        env.put("CONTENT_TYPE", type);
      }
      String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null) {
        env.put("HTTP_CONTENT_ENCODING", encoding);
      }
      String protocol = ex.getRequestHeaders().getFirst("Git-Protocol");
      if (protocol != null) {
        env.put("GIT_PROTOCOL", protocol);
      }
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (OutputStream in = p.getOutputStream()) {
                      in.write(body);
                    } catch (IOException ignored) {
                      // the backend may stop reading early; its answer says why
                    }
                  });
      byte[] out;
      try (InputStream o = p.getInputStream()) {
        out = o.readAllBytes();
      }
      try {
        writer.join();
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      respond(ex, out);
    }
  }

  /** Copies a CGI answer (headers, a blank line, the body) into the HTTP response. */
  private static void respond(HttpExchange ex, byte[] cgi) throws IOException {
    int i = 0;
    int status = 200;
    while (i < cgi.length) {
      int eol = i;
      while (eol < cgi.length && cgi[eol] != '\n') {
        eol++;
      }
      String line = new String(cgi, i, eol - i, StandardCharsets.ISO_8859_1).strip();
      i = eol + 1;
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        ex.getResponseHeaders().add(name, value);
      }
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(cgi, Math.min(i, cgi.length), cgi.length - Math.min(i, cgi.length));
    byte[] payload = b.toByteArray();
    ex.sendResponseHeaders(status, payload.length == 0 ? -1 : payload.length);
    if (payload.length > 0) {
      ex.getResponseBody().write(payload);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
