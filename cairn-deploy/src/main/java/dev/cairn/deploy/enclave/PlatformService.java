package dev.cairn.deploy.enclave;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.TeeProvider;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.enclave.ImageFacts;
import dev.cairn.supplychain.enclave.PodMeasurement;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The host side of a node's TEE for the pods on it: {@code POST /v1/evidence} with {@code
 * {"reportData": base64 of 64 bytes}} answers evidence for the pod that called. The pod is known by
 * the connection's source address; its measurement ({@link PodMeasurement}) is taken here from the
 * {@link PodDirectory} and the node's images; any measurement in the request is ignored (and
 * logged). A pod not on this node, or one whose sandbox runs under another runtime than its runtime
 * class names, gets 403 and no evidence.
 */
public final class PlatformService implements AutoCloseable {
  private final HttpServer server;

  private PlatformService(HttpServer server) {
    this.server = server;
  }

  /**
   * Serves on {@code host:port} (port 0: a free one); {@code log} gets one line per request (the
   * pod and its measurement, never report data).
   */
  public static PlatformService serve(
      TeeProvider tee,
      PodDirectory pods,
      ImageFacts images,
      String host,
      int port,
      Consumer<String> log)
      throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
    s.createContext("/v1/evidence", ex -> handle(ex, tee, pods, images, log));
    s.setExecutor(
        java.util.concurrent.Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "cairn-platform");
              t.setDaemon(true);
              return t;
            }));
    s.start();
    return new PlatformService(s);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(
      HttpExchange ex, TeeProvider tee, PodDirectory pods, ImageFacts images, Consumer<String> log)
      throws IOException {
    String from = ex.getRemoteAddress().getAddress().getHostAddress();
    try {
      if (!"POST".equals(ex.getRequestMethod())) {
        answer(ex, 405, Map.of("error", "use POST"));
        return;
      }
      Map<String, Object> body;
      byte[] reportData;
      try {
        body =
            Json.parseObject(
                new String(ex.getRequestBody().readNBytes(64 * 1024), StandardCharsets.UTF_8));
        reportData = Base64.getDecoder().decode(String.valueOf(body.get("reportData")));
      } catch (IOException | IllegalArgumentException e) {
        answer(ex, 400, Map.of("error", "the body is not {\"reportData\": base64}"));
        return;
      }
      if (reportData.length != 64) {
        answer(ex, 400, Map.of("error", "reportData must be 64 bytes, not " + reportData.length));
        return;
      }
      Optional<PodDirectory.Pod> found = pods.byAddress(from);
      if (found.isEmpty()) {
        log.accept("refused " + from + ": no pod with this address runs on this node");
        answer(ex, 403, Map.of("error", "no pod with address " + from + " runs on this node"));
        return;
      }
      PodDirectory.Pod pod = found.get();
      String who = pod.namespace() + "/" + pod.name();
      if (!pod.runtimeHandler().isEmpty() && !pod.runtimeHandler().equals(pod.expectedHandler())) {
        log.accept(
            "refused "
                + who
                + ": its sandbox runs under "
                + pod.runtimeHandler()
                + ", its runtime class names "
                + (pod.expectedHandler().isEmpty() ? "none" : pod.expectedHandler()));
        answer(
            ex,
            403,
            Map.of(
                "error",
                who + " runs under runtime handler " + pod.runtimeHandler() + ", not its class's"));
        return;
      }
      Digest measurement = PodMeasurement.of(pod.spec(), tee.name(), images).digest();
      Object claimed = body.get("measurement");
      Evidence e = tee.evidence(measurement, reportData);
      log.accept(
          "evidence for "
              + who
              + " ("
              + from
              + "): "
              + measurement
              + (claimed != null && !String.valueOf(claimed).equals(measurement.toString())
                  ? " (its claim " + claimed + " ignored)"
                  : ""));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      byte[] out = e.toJson().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, out.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
    } catch (CairnException e) {
      log.accept("refused " + from + ": " + e.getMessage());
      answer(ex, 403, Map.of("error", String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      log.accept("failed " + from + ": " + e);
      answer(ex, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
    } finally {
      ex.close();
    }
  }

  private static void answer(HttpExchange ex, int status, Map<String, Object> body)
      throws IOException {
    byte[] out = Json.canonical(new LinkedHashMap<>(body)).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
