package dev.cairn.ethereum.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.ethereum.LocalNode;
import dev.cairn.ledger.LedgerException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Real-network behaviour on an anvil node that mines only when told, as blocks come on a real
 * chain: confirmations, a transaction dropped from the pool, one replaced by another with the same
 * nonce, and EIP-1559 fees.
 */
class TransactorIT {
  LocalNode node;
  JsonRpc rpc;
  Credentials admin;
  String registry;

  @BeforeEach
  void start() throws Exception {
    node = LocalNode.start(LocalNode.Kind.ANVIL, false);
    rpc = new JsonRpc(node.uri());
    admin = Credentials.create(Keys.createEcKeyPair());
    node.fund(admin.getAddress(), BigInteger.TEN.pow(20));
    CompletableFuture<String> deployed =
        async(() -> CertificateRegistry.deploy(tx(1), admin.getAddress()).contractAddress());
    registry = mineUntil(deployed);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  Transactor tx(int confirmations) {
    return new Transactor(
        rpc,
        admin,
        node.chainId(),
        new Transactor.Options(confirmations, 1.25, Duration.ofMillis(20), Duration.ofSeconds(30)),
        CertificateRegistry::decodeRevert);
  }

  interface Call<T> {
    T call() throws LedgerException;
  }

  /** Runs {@code c} on another thread, so that this one can mine the blocks it waits for. */
  static <T> CompletableFuture<T> async(Call<T> c) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return c.call();
          } catch (LedgerException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Mines a block every 50 ms until {@code f} completes (at most a minute). */
  <T> T mineUntil(CompletableFuture<T> f) throws Exception {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(1))
        .pollInterval(java.time.Duration.ofMillis(50))
        .until(
            () -> {
              if (!f.isDone()) {
                node.mine(1);
              }
              return f.isDone();
            });
    return f.get(1, TimeUnit.SECONDS);
  }

  long head() throws LedgerException {
    return JsonRpc.quantity(rpc.call("eth_blockNumber")).longValue();
  }

  @Test
  void waitsForTheConfiguredConfirmations_andPaysEip1559Fees() throws Exception {
    CertificateRegistry r = CertificateRegistry.at(rpc, registry, tx(4));
    CompletableFuture<Transactor.Mined> f = async(() -> r.grantIssuer(admin.getAddress()));
    Transactor.Mined m = mineUntil(f);
    assertThat(head() - m.blockNumber() + 1).isGreaterThanOrEqualTo(4);
    var t = rpc.call("eth_getTransactionByHash", m.hash());
    assertThat(t.get("type").asText()).isEqualTo("0x2");
    assertThat(t.hasNonNull("maxFeePerGas")).isTrue();
  }

  @Test
  void aDroppedTransaction_isSentAgain() throws Exception {
    CertificateRegistry r = CertificateRegistry.at(rpc, registry, tx(1));
    CompletableFuture<Transactor.Mined> f = async(() -> r.grantIssuer(admin.getAddress()));
    String hash = pending();
    rpc.call("anvil_dropTransaction", hash);
    assertThat(rpc.call("eth_getTransactionByHash", hash).isNull()).isTrue();
    Transactor.Mined m = mineUntil(f);
    assertThat(m.hash()).isEqualTo(hash);
    assertThat(r.isIssuer(admin.getAddress())).isTrue();
  }

  @Test
  void aReplacedTransaction_isReportedAsReplaced() throws Exception {
    CertificateRegistry r = CertificateRegistry.at(rpc, registry, tx(1));
    mineUntil(async(() -> r.grantIssuer(admin.getAddress())));
    CompletableFuture<Transactor.Mined> f =
        async(
            () ->
                r.issue(
                    Digest.sha256("c").bytes(), Digest.sha256("x").bytes(), 4_000_000_000L, "x"));
    String hash = pending();
    var pendingTx = rpc.call("eth_getTransactionByHash", hash);
    BigInteger nonce = Numeric.decodeQuantity(pendingTx.get("nonce").asText());
    // the same account sends something else with that nonce and a higher fee, as a wallet would
    RawTransaction other =
        RawTransaction.createTransaction(
            node.chainId(),
            nonce,
            BigInteger.valueOf(30_000),
            admin.getAddress(),
            BigInteger.ONE,
            "0x",
            BigInteger.valueOf(50_000_000_000L),
            BigInteger.valueOf(500_000_000_000L));
    rpc.call(
        "eth_sendRawTransaction",
        Numeric.toHexString(TransactionEncoder.signMessage(other, admin)));
    assertThatThrownBy(() -> mineUntil(f))
        .hasRootCauseInstanceOf(LedgerException.class)
        .rootCause()
        .hasMessageContaining("was replaced: another transaction from " + admin.getAddress())
        .hasMessageContaining("used nonce " + nonce);
  }

  /** The hash of the one transaction waiting in the pool. */
  String pending() throws Exception {
    return org.awaitility.Awaitility.await("a pending transaction")
        .atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(20))
        .until(
            () -> {
              var block = rpc.call("eth_getBlockByNumber", "pending", false);
              return block != null
                      && block.has("transactions")
                      && block.get("transactions").size() > 0
                  ? block.get("transactions").get(0).asText()
                  : null;
            },
            java.util.Objects::nonNull);
  }
}
