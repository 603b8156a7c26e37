package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory certificate registry: what a verifier reads from a chain, nothing more. The real one
 * (cairn-ethereum, against a local node) is exercised by the CLI's EthereumLedgerIT; here the
 * verifier's decisions about a record are tested one by one.
 */
final class FakeRegistry implements Ledger, RegistryView {
  static final long CHAIN = 31337;
  static final String URL = "ethereum:http://127.0.0.1:8545#";

  final String contract;
  final long chainId;
  final Map<Digest, OnChain> records = new HashMap<>();
  final Set<String> issuers = new HashSet<>();

  FakeRegistry(String contract, long chainId) {
    this.contract = contract;
    this.chainId = chainId;
  }

  String spec() {
    return URL + contract;
  }

  /** The receipt of a record made by {@code issuer}. */
  ChainReceipt receipt(String issuer) {
    return new ChainReceipt(
        spec(), chainId, contract, "0x" + "ab".repeat(32), 7, "0x" + "cd".repeat(32), issuer);
  }

  @Override
  public String describe() {
    return spec();
  }

  @Override
  public long chainId() {
    return chainId;
  }

  @Override
  public String contract() {
    return contract;
  }

  @Override
  public Optional<OnChain> record(Digest certificate) {
    return Optional.ofNullable(records.get(certificate));
  }

  @Override
  public boolean isIssuer(String address) {
    return issuers.contains(address.toLowerCase(Locale.ROOT));
  }

  @Override
  public LedgerReceipt issue(LedgerEntry.Issued entry) {
    throw new UnsupportedOperationException("the verifier never writes");
  }

  @Override
  public LedgerReceipt revoke(LedgerEntry.Revoked entry) {
    throw new UnsupportedOperationException("the verifier never writes");
  }

  @Override
  public Optional<LedgerEntry.Issued> find(Digest certificate) {
    return Optional.empty();
  }

  @Override
  public Optional<LedgerEntry.Revoked> revocation(Digest certificate) {
    return Optional.empty();
  }

  @Override
  public List<LedgerEntry.Issued> history(Digest cluster) {
    return List.of();
  }

  @Override
  public void close() {}
}
