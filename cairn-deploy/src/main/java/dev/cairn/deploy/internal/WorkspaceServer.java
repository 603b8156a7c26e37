package dev.cairn.deploy.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the workspaces of Job steps to their init containers: each archive under a random path,
 * given once to the holder of its one-time bearer token, until it is taken or expires. Nothing else
 * is served; a wrong token, a second fetch or an expired one gets 404 with no detail.
 */
public final class WorkspaceServer implements AutoCloseable {
  private record Offer(Path archive, byte[] tokenHash, Instant expires) {}

  /** One offered archive: its URL and the token that fetches it (into the Job's Secret). */
  public record Offered(String id, URI url, Secret token) {}

  private final HttpServer server;
  private final ExecutorService pool;
  private final Map<String, Offer> offers = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final String host;

  public WorkspaceServer(String address, Clock clock) throws IOException {
    this.clock = clock;
    this.host = address.contains(":") ? "[" + address + "]" : address;
    this.server = HttpServer.create(new InetSocketAddress(address, 0), 16);
    this.pool = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(pool);
    server.createContext("/workspaces/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Offers {@code archive} for {@code ttl}; it is deleted once fetched, withdrawn or expired. */
  public Offered offer(Path archive, Duration ttl) {
    byte[] id = new byte[16];
    byte[] token = new byte[32];
    random.nextBytes(id);
    random.nextBytes(token);
    String name = HexFormat.of().formatHex(id);
    String tokenText = HexFormat.of().formatHex(token);
    offers.put(name, new Offer(archive, sha256(tokenText), clock.instant().plus(ttl)));
    return new Offered(
        name,
        URI.create("http://" + host + ":" + port() + "/workspaces/" + name),
        Secret.ofUtf8(tokenText));
  }

  /** Withdraws an offer (fetched or not) and deletes its archive. */
  public void withdraw(String id) {
    Offer o = offers.remove(id);
    if (o != null) {
      delete(o.archive());
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      expire();
      String path = ex.getRequestURI().getPath();
      String id = path.substring("/workspaces/".length());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      Offer o = offers.get(id);
      if (!"GET".equals(ex.getRequestMethod())
          || o == null
          || auth == null
          || !auth.startsWith("Bearer ")
          || !MessageDigest.isEqual(o.tokenHash(), sha256(auth.substring(7).strip()))
          || !offers.remove(id, o)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      try (InputStream in = Files.newInputStream(o.archive())) {
        ex.getResponseHeaders().set("Content-Type", "application/x-tar");
        ex.sendResponseHeaders(200, Files.size(o.archive()));
        try (OutputStream out = ex.getResponseBody()) {
          in.transferTo(out);
        }
      } finally {
        delete(o.archive());
      }
    }
  }

  private void expire() {
    Instant now = clock.instant();
    offers.forEach(
        (id, o) -> {
          if (now.isAfter(o.expires()) && offers.remove(id, o)) {
            delete(o.archive());
          }
        });
  }

  private static byte[] sha256(String s) {
    return Digest.sha256Bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a temporary file: the next start's temp cleanup takes it
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    offers.keySet().forEach(this::withdraw);
  }
}
