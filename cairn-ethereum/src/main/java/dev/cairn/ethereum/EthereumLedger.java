package dev.cairn.ethereum;

import dev.cairn.core.Digest;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.RegistryView;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The ledger SPI on an Ethereum {@code CertificateRegistry}: {@code ethereum:URL#ADDRESS}. Reading
 * needs only the endpoint; issuing and revoking need a key (an issuer's, released by the
 * attestation service to the measured scanner, or the admin's). The registry keeps digests,
 * cluster, times and locator; the certificate itself stays with its holder.
 */
public final class EthereumLedger implements Ledger, RegistryView {
  public static final String SCHEME = "ethereum:";
  static final long HISTORY_PAGE = 500;

  /**
   * A parsed {@code ethereum:URL#ADDRESS} or {@code ethereum:env:NAME#ADDRESS}; the second reads
   * the URL from the environment variable {@code NAME} when used, so that an endpoint carrying an
   * API key never reaches a certificate, {@code trust.json} or a message.
   */
  public record Spec(String endpointName, String contract) {
    public static Spec parse(String s) throws LedgerException {
      if (!s.startsWith(SCHEME) || s.indexOf('#') < 0) {
        throw new LedgerException(
            "not an Ethereum ledger: " + s,
            "write it as ethereum:http://host:8545#0xCONTRACT or ethereum:env:VAR#0xCONTRACT");
      }
      String url = s.substring(SCHEME.length(), s.lastIndexOf('#'));
      String address = s.substring(s.lastIndexOf('#') + 1);
      if (!url.startsWith("env:")) {
        endpointOf(url); // check it now
      } else if (!url.substring(4).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new LedgerException(
            "not an environment variable name: " + url.substring(4),
            "write it as ethereum:env:VAR#0xCONTRACT");
      }
      if (!address.matches("0x[0-9a-fA-F]{40}")) {
        throw new LedgerException(
            "not a contract address: " + address, "an address is 0x and 40 hex digits");
      }
      return new Spec(url, address.toLowerCase(java.util.Locale.ROOT));
    }

    /** The endpoint to call (an {@code env:} name is read now). */
    public URI endpoint() throws LedgerException {
      if (endpointName.startsWith("env:")) {
        String var = endpointName.substring(4);
        String v = System.getenv(var);
        if (v == null || v.isBlank()) {
          throw new LedgerException(
              "the environment variable " + var + " (the Ethereum RPC endpoint) is not set",
              "export " + var + "=https://… before running Cairn");
        }
        return endpointOf(v.strip());
      }
      return endpointOf(endpointName);
    }

    /** A JSON-RPC client for the endpoint, showing it in messages as {@link #display()}. */
    public JsonRpc rpc() throws LedgerException {
      return new JsonRpc(
          endpoint(),
          display(),
          5,
          java.time.Duration.ofMillis(200),
          java.time.Duration.ofSeconds(30));
    }

    /** How messages show the endpoint. */
    public String display() {
      return endpointName.startsWith("env:")
          ? endpointName
          : JsonRpc.redacted(URI.create(endpointName));
    }

    private static URI endpointOf(String url) throws LedgerException {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new LedgerException(
            "not a URL: " + JsonRpc.redactedText(url),
            "write it as ethereum:http://host:8545#0x…",
            e);
      }
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
        throw new LedgerException(
            "the Ethereum endpoint must be an http(s) URL, not " + JsonRpc.redactedText(url),
            "write it as ethereum:http://host:8545#0x…");
      }
      return uri;
    }

    @Override
    public String toString() {
      return SCHEME + endpointName + "#" + contract;
    }
  }

  private final Spec spec;
  private final JsonRpc rpc;
  private final long chainId;
  private final CertificateRegistry registry;
  private final @Nullable Transactor tx;

  private EthereumLedger(
      Spec spec, JsonRpc rpc, long chainId, CertificateRegistry registry, @Nullable Transactor tx) {
    this.spec = spec;
    this.rpc = rpc;
    this.chainId = chainId;
    this.registry = registry;
    this.tx = tx;
  }

  /**
   * Connects to the registry, checking the endpoint, the chain ({@code expectedChainId}, if not
   * null) and that the address holds the registry; {@code signer} sends transactions (null: read
   * only).
   */
  public static EthereumLedger connect(
      Spec spec,
      @Nullable Credentials signer,
      @Nullable Long expectedChainId,
      Transactor.Options options)
      throws LedgerException {
    JsonRpc rpc = spec.rpc();
    long chainId = chainId(rpc);
    if (expectedChainId != null && expectedChainId != chainId) {
      throw new LedgerException(
          spec.display() + " serves chain " + chainId + ", not chain " + expectedChainId,
          "check the URL and the chain id");
    }
    Transactor tx =
        signer == null
            ? null
            : new Transactor(rpc, signer, chainId, options, CertificateRegistry::decodeRevert);
    return new EthereumLedger(
        spec, rpc, chainId, CertificateRegistry.at(rpc, spec.contract(), tx), tx);
  }

  static long chainId(JsonRpc rpc) throws LedgerException {
    return Transactor.quantity(rpc.call("eth_chainId")).longValueExact();
  }

  public JsonRpc rpc() {
    return rpc;
  }

  public CertificateRegistry registry() {
    return registry;
  }

  public Spec spec() {
    return spec;
  }

  @Override
  public String describe() {
    return spec + " (chain " + chainId + ")";
  }

  @Override
  public long chainId() {
    return chainId;
  }

  @Override
  public String contract() {
    return spec.contract();
  }

  private ChainReceipt receipt(Transactor.Mined m) throws LedgerException {
    if (tx == null) {
      throw new LedgerException("read-only ledger", null);
    }
    return new ChainReceipt(
        spec.toString(),
        chainId,
        spec.contract(),
        m.hash(),
        m.blockNumber(),
        m.blockHash(),
        tx.address());
  }

  @Override
  public ChainReceipt issue(LedgerEntry.Issued entry) throws LedgerException {
    Optional<RegistryView.OnChain> existing = record(entry.certificate());
    if (existing.isPresent()) {
      return firstReceipt(entry.certificate(), existing.get());
    }
    return receipt(
        registry.issue(
            entry.cluster().bytes(),
            entry.certificate().bytes(),
            entry.expiresAt().getEpochSecond(),
            entry.locator()));
  }

  /** The receipt of the transaction that recorded {@code certificate}, from its event. */
  private ChainReceipt firstReceipt(Digest certificate, RegistryView.OnChain r)
      throws LedgerException {
    java.util.Map<String, Object> filter = new java.util.LinkedHashMap<>();
    filter.put("address", spec.contract());
    filter.put("fromBlock", "0x0");
    filter.put("toBlock", "latest");
    java.util.List<Object> topics = new java.util.ArrayList<>();
    topics.add(
        CertificateRegistry.topic("CertificateIssued(bytes32,bytes32,address,uint64,string)"));
    topics.add(null);
    topics.add(Numeric.toHexString(certificate.bytes()));
    filter.put("topics", topics);
    com.fasterxml.jackson.databind.JsonNode logs = rpc.call("eth_getLogs", filter);
    if (logs.isEmpty()) {
      throw new LedgerException(
          "certificate " + certificate + " is on the registry but its issue event is not found",
          "the node may prune old logs; use an archive node");
    }
    com.fasterxml.jackson.databind.JsonNode log = logs.get(0);
    return new ChainReceipt(
        spec.toString(),
        chainId,
        spec.contract(),
        log.get("transactionHash").asText(),
        Transactor.quantity(log.get("blockNumber")).longValue(),
        log.get("blockHash").asText(),
        r.issuer().toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public ChainReceipt revoke(LedgerEntry.Revoked entry) throws LedgerException {
    return receipt(registry.revoke(entry.certificate().bytes(), entry.reason()));
  }

  @Override
  public Optional<RegistryView.OnChain> record(Digest certificate) throws LedgerException {
    CertificateRegistry.Record r = registry.certificateOf(certificate.bytes());
    if (!r.exists()) {
      return Optional.empty();
    }
    return Optional.of(
        new RegistryView.OnChain(
            Digest.ofSha256(r.cluster()),
            r.issuer(),
            Instant.ofEpochSecond(r.issuedAt()),
            Instant.ofEpochSecond(r.expiresAt()),
            r.revokedAt() == 0 ? null : Instant.ofEpochSecond(r.revokedAt()),
            r.locator(),
            r.revocationReason()));
  }

  @Override
  public boolean isIssuer(String address) throws LedgerException {
    return registry.isIssuer(address);
  }

  @Override
  public Optional<LedgerEntry.Issued> find(Digest certificate) throws LedgerException {
    Optional<RegistryView.OnChain> r = record(certificate);
    return r.map(
        x ->
            new LedgerEntry.Issued(
                x.cluster(), certificate, x.issuedAt(), x.expiresAt(), x.locator(), new byte[0]));
  }

  @Override
  public Optional<LedgerEntry.Revoked> revocation(Digest certificate) throws LedgerException {
    Optional<RegistryView.OnChain> r = record(certificate);
    if (r.isEmpty() || r.get().revokedAt() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new LedgerEntry.Revoked(
            certificate,
            r.get().revocationReason(),
            java.util.Objects.requireNonNull(r.get().revokedAt())));
  }

  @Override
  public List<LedgerEntry.Issued> history(Digest cluster) throws LedgerException {
    // in pages, so that a long history stays within a node's eth_call limits
    List<LedgerEntry.Issued> out = new ArrayList<>();
    long n = registry.historyLength(cluster.bytes());
    for (long offset = 0; offset < n; offset += HISTORY_PAGE) {
      for (byte[] c : registry.historyPage(cluster.bytes(), offset, HISTORY_PAGE)) {
        find(Digest.ofSha256(c)).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The Ethereum address of a raw secp256k1 private key (32 bytes). */
  public static String addressOf(byte[] privateKey) {
    return Credentials.create(
            Numeric.toHexStringNoPrefixZeroPadded(new java.math.BigInteger(1, privateKey), 64))
        .getAddress();
  }

  @Override
  public void close() {
    // HTTP connections are per call
  }
}
