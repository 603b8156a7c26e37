package dev.cairn.ethereum;

import dev.cairn.core.CairnException;
import dev.cairn.core.Secret;
import dev.cairn.ethereum.internal.JsonRpc;
import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A local Ethereum node for tests and the demo: anvil (Foundry) or ganache, from npm through {@code
 * scripts/eth-tools}, on a free 127.0.0.1 port, stopped on {@link #close()}. Accounts are funded
 * through the node's own test RPC, so no well-known keys are needed.
 */
public final class LocalNode implements AutoCloseable {
  /** Which node: anvil (Foundry) on chain 31337, or ganache on chain 1337. */
  public enum Kind {
    ANVIL(31337),
    GANACHE(1337);

    final long chainId;

    Kind(long chainId) {
      this.chainId = chainId;
    }
  }

  private final Kind kind;
  private final Process process;
  private final URI uri;
  private final JsonRpc rpc;

  private final Thread stopAtExit;

  private LocalNode(Kind kind, Process process, URI uri) {
    this.kind = kind;
    this.process = process;
    this.uri = uri;
    this.rpc = new JsonRpc(uri);
    // a node outlives nothing: stopped on Ctrl-C or any exit that skips close()
    this.stopAtExit = new Thread(process::destroyForcibly, "cairn-local-node-stop");
    Runtime.getRuntime().addShutdownHook(stopAtExit);
  }

  public static LocalNode start(Kind kind) throws CairnException {
    return start(kind, true);
  }

  /**
   * Starts a node; without {@code automine} (anvil only) transactions wait in the pool until {@link
   * #mine} is called, as on a real network between blocks.
   */
  public static LocalNode start(Kind kind, boolean automine) throws CairnException {
    Path tools = tools();
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    if (kind == Kind.ANVIL) {
      cmd.addAll(
          List.of(
              tools.resolve("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil").toString(),
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(port),
              "--chain-id",
              Long.toString(kind.chainId),
              "--silent"));
      if (!automine) {
        cmd.add("--no-mining");
      }
    } else {
      cmd.addAll(
          List.of(
              "node",
              tools.resolve("node_modules/ganache/dist/node/cli.js").toString(),
              "--server.host",
              "127.0.0.1",
              "--server.port",
              Integer.toString(port),
              "--chain.chainId",
              Long.toString(kind.chainId),
              "--logging.quiet"));
    }
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new CairnException(
          "cannot start " + kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage(),
          "run scripts/eth-tools to install the local Ethereum nodes",
          e);
    }
    URI uri = URI.create("http://127.0.0.1:" + port);
    LocalNode node = new LocalNode(kind, p, uri);
    JsonRpc probe = new JsonRpc(uri, 1, java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        probe.call("eth_chainId");
        return node;
      } catch (LedgerException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          node.close();
          throw new CairnException(
              kind + " did not answer on " + uri + (p.isAlive() ? " within 60 s" : " (it exited)"),
              "run it by hand to see why: " + String.join(" ", cmd),
              e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        node.close();
        throw new CairnException("interrupted starting " + kind, null, e);
      }
    }
  }

  public Kind kind() {
    return kind;
  }

  /** The node's JSON-RPC endpoint, {@code http://127.0.0.1:PORT}. */
  public URI uri() {
    return uri;
  }

  /** The chain the node serves. */
  public long chainId() {
    return kind.chainId;
  }

  /** Gives {@code address} {@code wei} through the node's test RPC. */
  public void fund(String address, BigInteger wei) throws LedgerException {
    String method = kind == Kind.ANVIL ? "anvil_setBalance" : "evm_setAccountBalance";
    rpc.call(method, address, "0x" + wei.toString(16));
  }

  /** The balance of {@code address} in wei. */
  public BigInteger balance(String address) throws LedgerException {
    return rpc.balance(address);
  }

  /** The gas a mined transaction used (from its receipt), for benchmarks and tests. */
  public BigInteger gasUsed(String transaction) throws LedgerException {
    var receipt = rpc.call("eth_getTransactionReceipt", transaction);
    if (receipt == null || receipt.isNull() || !receipt.has("gasUsed")) {
      throw new LedgerException("no receipt for transaction " + transaction, null);
    }
    return JsonRpc.quantity(receipt.get("gasUsed"));
  }

  /** Mines {@code n} empty blocks (to reach confirmations without waiting). */
  public void mine(int n) throws LedgerException {
    for (int i = 0; i < n; i++) {
      rpc.call("evm_mine");
    }
  }

  /** A registry on this node, ready for one issuer, and the file of its admin's key. */
  public record DevRegistry(
      EthereumRegistries.Deployment deployment,
      EthereumRegistries.IssuerChange issuer,
      Path adminKey) {}

  /**
   * Deploys a CertificateRegistry administered by a fresh key (written to {@code adminKeyFile},
   * mode 0600), grants the address of {@code issuerPublicKey} (uncompressed secp256k1) the issuer
   * role, and funds admin and issuer with 100 ether each: the chain set-up of the demo and tests.
   */
  public DevRegistry deployRegistryFor(byte[] issuerPublicKey, Path adminKeyFile)
      throws CairnException {
    Secret admin = EthereumRegistries.generateKey();
    try {
      EthereumRegistries.writeKey(adminKeyFile, admin);
      BigInteger ether = BigInteger.TEN.pow(20);
      fund(EthereumRegistries.addressOf(admin), ether);
      EthereumRegistries.Deployment d =
          EthereumRegistries.deploy(uri().toString(), chainId(), admin, 1);
      EthereumRegistries.IssuerChange g =
          EthereumRegistries.grantIssuer(
              d.ledger(), admin, EthereumRegistries.addressOfPublicKey(issuerPublicKey), false);
      fund(g.issuer(), ether);
      return new DevRegistry(d, g, adminKeyFile);
    } finally {
      admin.destroy();
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException e) {
      // already shutting down: the hook stops it
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws CairnException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new CairnException("no free port on 127.0.0.1: " + e.getMessage(), null, e);
    }
  }

  /** Installs (once) and finds the pinned tools via {@code scripts/eth-tools} of this checkout. */
  static Path tools() throws CairnException {
    Path script = findScript();
    try {
      Process p =
          new ProcessBuilder(script.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || out.isEmpty()) {
        throw new CairnException(
            "scripts/eth-tools failed (exit " + p.exitValue() + ")", "run it by hand to see why");
      }
      return Path.of(out);
    } catch (IOException e) {
      throw new CairnException("cannot run " + script + ": " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException("interrupted installing Ethereum tools", null, e);
    }
  }

  private static Path findScript() throws CairnException {
    // this build's checkout first (where the code was loaded from), the working directory last
    List<Path> starts = new ArrayList<>();
    try {
      starts.add(
          Path.of(LocalNode.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // no code source: the working directory must do
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (@Nullable Path d = start; d != null; d = d.getParent()) {
        Path s = d.resolve("scripts/eth-tools");
        if (Files.isExecutable(s)) {
          return s;
        }
      }
    }
    throw new CairnException(
        "cannot find scripts/eth-tools", "run Cairn from its checkout for a local Ethereum node");
  }
}
