package dev.cairn.ethereum.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.ledger.LedgerException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSON-RPC client against a real HTTP server that misbehaves the way endpoints do. */
class JsonRpcTest {
  HttpServer server;
  final AtomicInteger requests = new AtomicInteger();

  URI serve(int failures, int failStatus, int status, String contentType, String body)
      throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          int n = requests.incrementAndGet();
          ex.getRequestBody().readAllBytes();
          byte[] b = (n <= failures ? "busy" : body).getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", n <= failures ? "text/plain" : contentType);
          ex.sendResponseHeaders(n <= failures ? failStatus : status, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  JsonRpc rpc(URI uri) {
    return new JsonRpc(uri, 4, Duration.ofMillis(5), Duration.ofSeconds(5));
  }

  @Test
  void transientErrors_areRetried() throws Exception {
    URI uri =
        serve(
            2,
            503,
            200,
            "application/json",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a69\"}");
    assertThat(rpc(uri).call("eth_chainId").asText()).isEqualTo("0x7a69");
    assertThat(requests).hasValue(3);
  }

  @Test
  void tooManyTransientErrors_giveOneClearError() throws Exception {
    URI uri = serve(10, 429, 200, "application/json", "{}");
    assertThatThrownBy(() -> rpc(uri).call("eth_blockNumber"))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("cannot reach the Ethereum RPC endpoint at " + uri)
        .hasMessageContaining("eth_blockNumber, 4 attempts")
        .hasMessageContaining("HTTP 429");
    assertThat(requests).hasValue(4);
  }

  @Test
  void notAnEthereumNode_failsAtOnce() throws Exception {
    URI uri = serve(0, 0, 404, "text/html", "<html>not found</html>");
    assertThatThrownBy(() -> rpc(uri).call("eth_chainId"))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("answered HTTP 404 without JSON-RPC: not an Ethereum node");
    assertThat(requests).hasValue(1);
  }

  @Test
  void nodeErrors_keepTheirRevertData() throws Exception {
    URI uri =
        serve(
            0,
            0,
            200,
            "application/json",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":3,\"message\":\"execution reverted\","
                + "\"data\":\"0xdeadbeef\"}}");
    assertThatThrownBy(() -> rpc(uri).call("eth_call"))
        .isInstanceOfSatisfying(
            JsonRpc.RpcError.class,
            e -> {
              assertThat(e.code()).isEqualTo(3);
              assertThat(e.data()).isEqualTo("0xdeadbeef");
            });
    assertThat(requests).hasValue(1);
  }
}
