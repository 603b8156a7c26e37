package dev.cairn.ledger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a blockchain ledger recorded an entry.
 *
 * @param ledger {@code ethereum:URL#ADDRESS}
 * @param chainId the chain's id
 * @param contract the registry's address
 * @param transaction the transaction's hash
 * @param blockNumber the block it was mined in
 * @param blockHash that block's hash
 * @param issuer the address that sent it
 */
public record ChainReceipt(
    String ledger,
    long chainId,
    String contract,
    String transaction,
    long blockNumber,
    String blockHash,
    String issuer)
    implements LedgerReceipt {
  /** The receipt of {@code ledger} from its {@link #toMap()} form. */
  public static ChainReceipt of(String ledger, Map<?, ?> m) {
    return new ChainReceipt(
        ledger,
        ((Number) java.util.Objects.requireNonNull(m.get("chainId"))).longValue(),
        String.valueOf(m.get("contract")),
        String.valueOf(m.get("transaction")),
        ((Number) java.util.Objects.requireNonNull(m.get("blockNumber"))).longValue(),
        String.valueOf(m.get("blockHash")),
        String.valueOf(m.get("issuer")));
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chainId", chainId);
    m.put("contract", contract);
    m.put("transaction", transaction);
    m.put("blockNumber", blockNumber);
    m.put("blockHash", blockHash);
    m.put("issuer", issuer);
    return m;
  }
}
