package dev.cairn.ethereum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Json;
import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.web3j.utils.Numeric;

/**
 * A JSON-RPC 2.0 client for an Ethereum node over HTTP. Transient failures (timeouts, resets,
 * refused connections, HTTP 429 and 5xx) are retried with exponential backoff; a node error is
 * returned as {@link RpcError}; an endpoint that never answers gives one clear error.
 */
public final class JsonRpc {
  /** An error the node answered with (JSON-RPC error object). */
  public static final class RpcError extends LedgerException {
    private static final long serialVersionUID = 1L;
    private final long code;
    private final @Nullable String data;

    RpcError(String method, long code, String message, @Nullable String data) {
      super(method + ": " + message + (data == null ? "" : " (" + data + ")"), null);
      this.code = code;
      this.data = data;
    }

    public long code() {
      return code;
    }

    /** The error's data, e.g. revert data as 0x-hex, when the node gave it. */
    public @Nullable String data() {
      return data;
    }
  }

  private final URI endpoint;
  private final String display;
  private final int attempts;
  private final Duration backoff;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();

  public JsonRpc(URI endpoint) {
    this(endpoint, 5, Duration.ofMillis(200), Duration.ofSeconds(30));
  }

  public JsonRpc(URI endpoint, int attempts, Duration backoff, Duration timeout) {
    this(endpoint, redacted(endpoint), attempts, backoff, timeout);
  }

  /** An endpoint shown as {@code display} in every message (e.g. {@code env:CAIRN_ETH_RPC}). */
  public JsonRpc(URI endpoint, String display, int attempts, Duration backoff, Duration timeout) {
    this.endpoint = endpoint;
    this.display = display;
    this.attempts = attempts;
    this.backoff = backoff;
    this.timeout = timeout;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The endpoint as messages show it: no user info, path or query (where API keys live). */
  @Override
  public String toString() {
    return display;
  }

  /** A URL string as messages may show it. */
  public static String redactedText(String url) {
    try {
      return redacted(URI.create(url));
    } catch (IllegalArgumentException e) {
      return "a malformed URL";
    }
  }

  /** A URL as messages may show it: scheme, host and port only. */
  public static String redacted(URI u) {
    if (u.getHost() == null) {
      return "an RPC endpoint";
    }
    if (u.getScheme() == null) {
      return "a URL without a scheme";
    }
    boolean more =
        u.getRawUserInfo() != null
            || (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
            || u.getRawQuery() != null;
    return u.getScheme()
        + "://"
        + u.getHost()
        + (u.getPort() < 0 ? "" : ":" + u.getPort())
        + (more ? "/…" : "");
  }

  /** Calls {@code method} with {@code params}; returns the result (may be JSON null). */
  public JsonNode call(String method, Object... params) throws LedgerException {
    ObjectNode req = Jackson.MAPPER.createObjectNode();
    req.put("jsonrpc", "2.0");
    req.put("id", ids.incrementAndGet());
    req.put("method", method);
    req.set("params", Jackson.MAPPER.valueToTree(List.of(params)));
    byte[] body = Json.canonical(req).getBytes(StandardCharsets.UTF_8);
    IOException last = null;
    long wait = backoff.toMillis();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        JsonNode resp = post(body);
        JsonNode err = resp.get("error");
        if (err != null && !err.isNull()) {
          JsonNode data = err.get("data");
          // revert data: a hex string (geth, anvil), or inside an object (ganache: result)
          String d =
              data == null || data.isNull()
                  ? null
                  : data.isTextual()
                      ? data.asText()
                      : data.hasNonNull("result")
                          ? data.get("result").asText()
                          : data.hasNonNull("data") ? data.get("data").asText() : data.toString();
          throw new RpcError(method, err.path("code").asLong(), err.path("message").asText(), d);
        }
        JsonNode result = resp.get("result");
        return result == null ? Jackson.MAPPER.nullNode() : result;
      } catch (NotRpc e) {
        throw new LedgerException(
            String.valueOf(e.getMessage()),
            "check the ledger's URL: it should be the node's JSON-RPC endpoint",
            e);
      } catch (IOException e) {
        last = e;
      }
      if (attempt < attempts) {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
        wait = Math.min(wait * 2, 5_000);
      }
    }
    String why = last == null ? "interrupted" : last.getMessage();
    throw new LedgerException(
        "cannot reach the Ethereum RPC endpoint at "
            + display
            + " ("
            + method
            + ", "
            + attempts
            + " attempts): "
            + (last instanceof ConnectException ? "connection refused" : why),
        "check the ledger's URL and that the node runs",
        last);
  }

  /** The chain the node serves ({@code eth_chainId}). */
  public long chainId() throws LedgerException {
    return quantity(call("eth_chainId")).longValueExact();
  }

  /** The newest block's number. */
  public long blockNumber() throws LedgerException {
    return quantity(call("eth_blockNumber")).longValueExact();
  }

  /** The balance of {@code address} in wei at the newest block. */
  public BigInteger balance(String address) throws LedgerException {
    return quantity(call("eth_getBalance", address, "latest"));
  }

  /** The code at {@code address} at the newest block, as 0x-hex ({@code 0x}: none). */
  public String code(String address) throws LedgerException {
    return call("eth_getCode", address, "latest").asText();
  }

  /** A JSON-RPC quantity (0x-hex) as a number. */
  public static BigInteger quantity(@Nullable JsonNode n) throws LedgerException {
    if (n == null || n.isNull() || !n.isTextual()) {
      throw new LedgerException("the node answered " + n + " where a quantity was expected", null);
    }
    try {
      return Numeric.decodeQuantity(n.asText());
    } catch (RuntimeException e) {
      throw new LedgerException(
          "the node answered " + n + " where a quantity was expected", null, e);
    }
  }

  /** A failure worth retrying: HTTP 429 or 5xx. */
  private static final class Transient extends IOException {
    private static final long serialVersionUID = 1L;

    Transient(String m) {
      super(m);
    }
  }

  /** An answer that is not JSON-RPC: not worth retrying. */
  private static final class NotRpc extends IOException {
    private static final long serialVersionUID = 1L;

    NotRpc(String m, Throwable cause) {
      super(m, cause);
    }
  }

  private JsonNode post(byte[] body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
    c.setConnectTimeout((int) Math.min(timeout.toMillis(), 10_000));
    c.setReadTimeout((int) timeout.toMillis());
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    try (OutputStream o = c.getOutputStream()) {
      o.write(body);
    }
    int status = c.getResponseCode();
    if (status == 429 || status >= 500) {
      throw new Transient("HTTP " + status);
    }
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
    try {
      return Jackson.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new NotRpc(
          display + " answered HTTP " + status + " without JSON-RPC: not an Ethereum node", e);
    }
  }
}
