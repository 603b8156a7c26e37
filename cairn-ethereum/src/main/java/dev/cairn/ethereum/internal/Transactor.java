package dev.cairn.ethereum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.ledger.LedgerException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Sends signed transactions from one account the way a real network needs: the next nonce from the
 * node's pending count (kept locally for a burst, re-read after a nonce error), gas from {@code
 * eth_estimateGas} plus a margin, EIP-1559 fees from the latest base fee and the node's priority
 * fee (legacy gas price where the chain has no base fee), then waits for the receipt and a number
 * of confirmations. A transaction whose nonce got used by another is reported as replaced; one the
 * node forgot is sent again; a revert is decoded into the contract's error.
 */
public final class Transactor {
  /**
   * How to send. {@code maxGas} and {@code maxFeePerGas} cap what one transaction may cost,
   * whatever the node says (a hostile or broken node can't drain the account).
   */
  public record Options(
      int confirmations,
      double gasMargin,
      Duration pollInterval,
      Duration timeout,
      BigInteger maxGas,
      BigInteger maxFeePerGas) {
    public Options(int confirmations, double gasMargin, Duration pollInterval, Duration timeout) {
      this(
          confirmations,
          gasMargin,
          pollInterval,
          timeout,
          BigInteger.valueOf(5_000_000),
          BigInteger.valueOf(1_000).multiply(BigInteger.TEN.pow(9)));
    }

    public static Options defaults() {
      return new Options(1, 1.25, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    public Options withConfirmations(int n) {
      return new Options(n, gasMargin, pollInterval, timeout, maxGas, maxFeePerGas);
    }

    /** With a fee cap in gwei. */
    public Options withMaxFeeGwei(long gwei) {
      return new Options(
          confirmations,
          gasMargin,
          pollInterval,
          timeout,
          maxGas,
          BigInteger.valueOf(gwei).multiply(BigInteger.TEN.pow(9)));
    }
  }

  /** A mined, confirmed transaction. */
  public record Mined(
      String hash,
      long blockNumber,
      String blockHash,
      BigInteger gasUsed,
      @Nullable String contractAddress) {}

  private final JsonRpc rpc;
  private final Credentials from;
  private final long chainId;
  private final Options options;
  private final Function<String, String> revertDecoder;
  private @Nullable BigInteger nextNonce;

  public Transactor(
      JsonRpc rpc,
      Credentials from,
      long chainId,
      Options options,
      Function<String, String> revertDecoder) {
    this.rpc = rpc;
    this.from = from;
    this.chainId = chainId;
    this.options = options;
    this.revertDecoder = revertDecoder;
  }

  public String address() {
    return from.getAddress();
  }

  /** Sends {@code data} to {@code to} (null: contract creation) and waits for confirmations. */
  public synchronized Mined send(@Nullable String to, String data) throws LedgerException {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("from", from.getAddress());
    if (to != null) {
      call.put("to", to);
    }
    call.put("data", data);
    BigInteger estimate;
    try {
      estimate = quantity(rpc.call("eth_estimateGas", call));
    } catch (JsonRpc.RpcError e) {
      throw reverted(e, "the transaction would revert");
    }
    BigInteger gas =
        new java.math.BigDecimal(estimate)
            .multiply(java.math.BigDecimal.valueOf(options.gasMargin()))
            .toBigInteger();
    if (gas.compareTo(options.maxGas()) > 0) {
      throw new LedgerException(
          "the transaction needs " + gas + " gas, above the cap of " + options.maxGas(),
          "check the endpoint: the registry's calls need far less");
    }
    for (int attempt = 0; ; attempt++) {
      BigInteger nonce = nonce();
      byte[] signed = sign(nonce, gas, to, data);
      String hash = Numeric.toHexString(Hash.sha3(signed));
      try {
        rpc.call("eth_sendRawTransaction", Numeric.toHexString(signed));
      } catch (JsonRpc.RpcError e) {
        // an answer to a retried send may be about our own transaction: wait for it, never sign
        // a second one
        JsonNode known = rpc.call("eth_getTransactionByHash", hash);
        if (known != null && !known.isNull()) {
          nextNonce = nonce.add(BigInteger.ONE);
          return await(hash, nonce, signed);
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if ((m.contains("nonce too low")
                || m.contains("nonce is too low")
                || m.contains("already known")
                || m.contains("replacement transaction underpriced"))
            && attempt < 3) {
          nextNonce = null; // someone else used it: read the count again
          continue;
        }
        if (m.contains("insufficient funds")) {
          throw new LedgerException(
              "account " + from.getAddress() + " cannot pay for gas: " + e.getMessage(),
              "fund the account on this chain",
              e);
        }
        throw reverted(e, "the node refused the transaction");
      }
      nextNonce = nonce.add(BigInteger.ONE);
      return await(hash, nonce, signed);
    }
  }

  private BigInteger nonce() throws LedgerException {
    if (nextNonce == null) {
      nextNonce = quantity(rpc.call("eth_getTransactionCount", from.getAddress(), "pending"));
    }
    return nextNonce;
  }

  private byte[] sign(BigInteger nonce, BigInteger gas, @Nullable String to, String data)
      throws LedgerException {
    JsonNode block = rpc.call("eth_getBlockByNumber", "latest", false);
    JsonNode baseFee = block.get("baseFeePerGas");
    String target = to == null ? "" : to;
    if (baseFee == null || baseFee.isNull()) {
      BigInteger price = quantity(rpc.call("eth_gasPrice"));
      if (price.compareTo(options.maxFeePerGas()) > 0) {
        throw new LedgerException(
            "the gas price on chain " + chainId + " is " + price + " wei, above the cap",
            "wait for lower fees or raise the cap");
      }
      RawTransaction raw =
          RawTransaction.createTransaction(nonce, price, gas, target, BigInteger.ZERO, data);
      return TransactionEncoder.signMessage(raw, chainId, from);
    }
    BigInteger priority;
    try {
      priority = quantity(rpc.call("eth_maxPriorityFeePerGas"));
    } catch (JsonRpc.RpcError e) {
      priority = BigInteger.valueOf(1_000_000_000L); // 1 gwei where the node has no opinion
    }
    BigInteger base = quantity(baseFee);
    BigInteger maxFee = base.multiply(BigInteger.TWO).add(priority).min(options.maxFeePerGas());
    if (maxFee.compareTo(base.add(priority)) < 0) {
      throw new LedgerException(
          "fees on chain "
              + chainId
              + " are "
              + base.add(priority)
              + " wei per gas, above the cap of "
              + options.maxFeePerGas(),
          "wait for lower fees or raise the cap");
    }
    RawTransaction raw =
        RawTransaction.createTransaction(
            chainId, nonce, gas, target, BigInteger.ZERO, data, priority, maxFee);
    return TransactionEncoder.signMessage(raw, from);
  }

  private Mined await(String hash, BigInteger nonce, byte[] signed) throws LedgerException {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    boolean resent = false;
    long wait = 5; // ms: local and fast chains answer at once; back off to the poll interval
    while (true) {
      JsonNode r = rpc.call("eth_getTransactionReceipt", hash);
      if (r != null && !r.isNull()) {
        long block = quantity(r.get("blockNumber")).longValue();
        if (!"0x1".equals(r.path("status").asText())) {
          throw new LedgerException(
              "transaction "
                  + hash
                  + " reverted in block "
                  + block
                  + ": "
                  + replayRevert(hash, block),
              null);
        }
        long head = quantity(rpc.call("eth_blockNumber")).longValue();
        if (head - block + 1 >= options.confirmations()) {
          // the receipt must still be there (a reorg can drop it while we wait)
          JsonNode again = rpc.call("eth_getTransactionReceipt", hash);
          if (again != null
              && !again.isNull()
              && again.get("blockHash").asText().equals(r.get("blockHash").asText())) {
            JsonNode ca = r.get("contractAddress");
            return new Mined(
                hash,
                block,
                r.get("blockHash").asText(),
                quantity(r.get("gasUsed")),
                ca == null || ca.isNull() ? null : ca.asText());
          }
        }
      } else {
        JsonNode tx = rpc.call("eth_getTransactionByHash", hash);
        if (tx == null || tx.isNull()) {
          BigInteger mined =
              quantity(rpc.call("eth_getTransactionCount", from.getAddress(), "latest"));
          if (mined.compareTo(nonce) > 0) {
            nextNonce = null;
            throw new LedgerException(
                "transaction "
                    + hash
                    + " was replaced: another transaction from "
                    + from.getAddress()
                    + " used nonce "
                    + nonce,
                "give each issuer its own key (this one is used elsewhere too)");
          }
          if (!resent) {
            // dropped from the node's pool (restart, eviction): send the same bytes again
            resent = true;
            try {
              rpc.call("eth_sendRawTransaction", Numeric.toHexString(signed));
            } catch (JsonRpc.RpcError e) {
              // already known or underpriced now: keep waiting for the original
            }
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new LedgerException(
            "transaction "
                + hash
                + " was not mined with "
                + options.confirmations()
                + " confirmations within "
                + options.timeout().toSeconds()
                + " s",
            "check the node's sync and the fees; the transaction may still be mined");
      }
      try {
        Thread.sleep(wait);
        wait = Math.min(wait * 2, Math.max(5, options.pollInterval().toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LedgerException("interrupted waiting for " + hash, null, e);
      }
    }
  }

  /** Replays a reverted transaction as a call at its block to learn the error. */
  private String replayRevert(String hash, long block) {
    try {
      JsonNode tx = rpc.call("eth_getTransactionByHash", hash);
      Map<String, Object> call = new LinkedHashMap<>();
      call.put("from", tx.get("from").asText());
      if (tx.hasNonNull("to")) {
        call.put("to", tx.get("to").asText());
      }
      call.put("data", tx.get("input").asText());
      call.put("gas", tx.get("gas").asText());
      rpc.call("eth_call", call, "0x" + Long.toHexString(block));
      return "out of gas or no reason given";
    } catch (JsonRpc.RpcError e) {
      return e.data() == null ? String.valueOf(e.getMessage()) : revertDecoder.apply(e.data());
    } catch (LedgerException e) {
      return "reason unknown (" + e.getMessage() + ")";
    }
  }

  private LedgerException reverted(JsonRpc.RpcError e, String what) {
    String reason =
        e.data() != null ? revertDecoder.apply(e.data()) : String.valueOf(e.getMessage());
    return new LedgerException(what + ": " + reason, null, e);
  }

  private static BigInteger quantity(@Nullable JsonNode n) throws LedgerException {
    return JsonRpc.quantity(n);
  }
}
