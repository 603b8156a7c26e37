package dev.cairn.ethereum;

import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.ethereum.internal.CertificateRegistry;
import dev.cairn.ethereum.internal.EthKeys;
import dev.cairn.ethereum.internal.IssueLock;
import dev.cairn.ethereum.internal.JsonRpc;
import dev.cairn.ethereum.internal.Transactor;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.RegistryView;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The ledger SPI on an Ethereum {@code CertificateRegistry}: {@code ethereum:URL#ADDRESS}, opened
 * by {@link Ledgers#open} through {@link EthereumLedgers}. Reading needs only the endpoint; issuing
 * and revoking need a key (an issuer's, released by the attestation service to the measured
 * scanner, or the admin's). The registry keeps digests, issuer and times (version 1 also the
 * locator and the revocation reason; version 2 the reason in its event only, ADR 0017); the
 * certificate itself stays with its holder. Which contract version an address holds is read from
 * its code.
 */
public final class EthereumLedger implements Ledger, RegistryView {
  /** The attestation secret a measured workload records with: a secp256k1 key. */
  public static final String ISSUER_SECRET = "ledger-key";

  static final long HISTORY_PAGE = 500;

  /**
   * A parsed {@code ethereum:URL#ADDRESS} or {@code ethereum:env:NAME#ADDRESS}; the second reads
   * the URL from the environment variable {@code NAME} when used, so that an endpoint carrying an
   * API key never reaches a certificate, {@code trust.json} or a message.
   *
   * @param endpointName the URL exactly as written, or {@code env:NAME}
   * @param contract the registry's address, lower case
   */
  record Spec(String endpointName, String contract) {
    static final String PREFIX = EthereumLedgers.SCHEME + ":";

    static Spec of(URI ledger) throws LedgerException {
      return parse(ledger.toString());
    }

    static Spec parse(String written) throws LedgerException {
      String s =
          written.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
              ? PREFIX + written.substring(PREFIX.length())
              : written;
      if (!s.startsWith(PREFIX) || s.indexOf('#') < 0) {
        throw new LedgerException(
            "not an Ethereum ledger: " + Ledgers.redacted(s),
            "write it as ethereum:http://host:8545#0xCONTRACT or ethereum:env:VAR#0xCONTRACT");
      }
      String url = s.substring(PREFIX.length(), s.lastIndexOf('#'));
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
            "not a contract address: " + address, "write an address as 0x and 40 hex digits");
      }
      return new Spec(url, address.toLowerCase(Locale.ROOT));
    }

    /** The variable that holds the URL ({@code env:} form), or null. */
    @Nullable String variable() {
      return endpointName.startsWith("env:") ? endpointName.substring(4) : null;
    }

    /** The endpoint to call; an {@code env:} name is looked up in {@code env} now. */
    URI endpoint(Function<String, @Nullable String> env) throws LedgerException {
      String var = variable();
      if (var != null) {
        String v = env.apply(var);
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
    JsonRpc rpc(Function<String, @Nullable String> env) throws LedgerException {
      return new JsonRpc(
          endpoint(env), display(), 5, Duration.ofMillis(200), Duration.ofSeconds(30));
    }

    /** How messages show the endpoint: {@code env:NAME}, or the URL without what may be secret. */
    String display() {
      return variable() != null ? endpointName : JsonRpc.redacted(URI.create(endpointName));
    }

    /** The ledger as a URI, the endpoint exactly as written. */
    URI uri() {
      return URI.create(toString());
    }

    /** The same endpoint with another registry. */
    Spec at(String contract) {
      return new Spec(endpointName, contract.toLowerCase(Locale.ROOT));
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
      if (uri.getScheme() == null
          || !uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http")
          || uri.getHost() == null) {
        throw new LedgerException(
            "the Ethereum endpoint must be an http(s) URL, not " + JsonRpc.redactedText(url),
            "write it as ethereum:http://host:8545#0x…");
      }
      return uri;
    }

    @Override
    public String toString() {
      return PREFIX + endpointName + "#" + contract;
    }
  }

  private final Spec spec;
  private final JsonRpc rpc;
  private final long chainId;
  private final CertificateRegistry registry;
  private final @Nullable Transactor tx;
  private final @Nullable Path lockFile;

  private EthereumLedger(
      Spec spec,
      JsonRpc rpc,
      long chainId,
      CertificateRegistry registry,
      @Nullable Transactor tx,
      @Nullable Path lockFile) {
    this.spec = spec;
    this.rpc = rpc;
    this.chainId = chainId;
    this.registry = registry;
    this.tx = tx;
    this.lockFile = lockFile;
  }

  /**
   * Connects to the registry, checking the endpoint, the chain ({@code expectedChainId}, if not
   * null) and that the address holds the registry; {@code signer} sends transactions (null: read
   * only); {@code lockDir} holds the per-registry issuing locks (null: none taken).
   */
  static EthereumLedger connect(
      Spec spec,
      JsonRpc rpc,
      @Nullable Secret signer,
      @Nullable Long expectedChainId,
      Transactor.Options options,
      @Nullable Path lockDir)
      throws LedgerException {
    org.web3j.crypto.Credentials from = signer == null ? null : credentials(signer);
    long chainId = rpc.chainId();
    if (expectedChainId != null && expectedChainId != chainId) {
      throw new WrongChainException(
          spec.display(), chainId, expectedChainId, "", "check the URL and the chain id");
    }
    Transactor tx =
        from == null
            ? null
            : new Transactor(rpc, from, chainId, options, CertificateRegistry::decodeRevert);
    return new EthereumLedger(
        spec,
        rpc,
        chainId,
        CertificateRegistry.at(rpc, spec.contract(), tx),
        tx,
        lockDir == null ? null : lockDir.resolve(spec.contract() + ".lock"));
  }

  /** Signing credentials of a key, or a message that does not show it. */
  static org.web3j.crypto.Credentials credentials(Secret key) throws LedgerException {
    try {
      return EthKeys.credentials(key);
    } catch (IllegalArgumentException e) {
      throw new LedgerException(
          "the Ethereum signing key is " + e.getMessage(),
          "give a raw secp256k1 private key of 32 bytes",
          e);
    }
  }

  /** The ledger as written, {@code ethereum:URL#ADDRESS}: what {@link Ledgers#parse} reads. */
  public URI uri() {
    return spec.uri();
  }

  /** For people: the ledger with its endpoint as messages show it, and its chain. */
  @Override
  public String describe() {
    return Spec.PREFIX + spec.display() + "#" + spec.contract() + " (chain " + chainId + ")";
  }

  /** The chain the endpoint served when the ledger was opened. */
  @Override
  public long chainId() {
    return chainId;
  }

  /** The registry's address, lower case. */
  @Override
  public String contract() {
    return spec.contract();
  }

  @Override
  public String issuerSecret() {
    return ISSUER_SECRET;
  }

  /**
   * Checks that a workload holding the key whose public half is {@code issuerPublicKey} (the
   * uncompressed 65-byte secp256k1 point) can record here: the endpoint answers on the same chain,
   * the address still holds Cairn's registry, and the key's address has ether and the issuer role.
   * Returns that address.
   *
   * @throws IssuerException when the key has no ether or no issuer role
   * @throws WrongChainException when the endpoint now serves another chain
   */
  @Override
  public String checkIssuer(byte[] issuerPublicKey) throws LedgerException {
    String address;
    try {
      address = EthKeys.addressOfPublicKey(issuerPublicKey);
    } catch (IllegalArgumentException e) {
      throw new LedgerException(
          "the issuer's public key is " + e.getMessage(),
          "check that the attestation service's " + ISSUER_SECRET + " secret is a secp256k1 key",
          e);
    }
    long served = rpc.chainId();
    if (served != chainId) {
      throw new WrongChainException(
          spec.display(), served, chainId, "", "check the URL and the chain id");
    }
    CertificateRegistry.checkCode(rpc, spec.contract());
    if (rpc.balance(address).signum() == 0) {
      throw new IssuerException(
          IssuerException.Problem.NO_ETHER,
          "the scanner's ledger key "
              + address
              + " has no ether on chain "
              + chainId
              + " to pay for recording the certificate",
          registry.version() == CertificateRegistry.Version.V1
              ? "send it some: each certificate costs about 200,000 gas"
              : "send it some: each certificate costs about 80,000 gas",
          address,
          chainId,
          spec.uri());
    }
    if (!registry.isIssuer(address)) {
      throw new IssuerException(
          IssuerException.Problem.NOT_ISSUER,
          "the scanner's ledger key " + address + " is not an issuer on the registry " + describe(),
          "let the registry's admin grant " + address + " the issuer role",
          address,
          chainId,
          spec.uri());
    }
    return address;
  }

  private Transactor signer(String what) throws LedgerException {
    if (tx == null) {
      throw new LedgerException(
          "cannot " + what + " on " + describe() + ": it was opened without a signing key",
          "open it with the issuer's or the admin's key");
    }
    return tx;
  }

  private ChainReceipt receipt(Transactor from, Transactor.Mined m) {
    return new ChainReceipt(
        spec.toString(),
        chainId,
        spec.contract(),
        m.hash(),
        m.blockNumber(),
        m.blockHash(),
        from.address().toLowerCase(Locale.ROOT));
  }

  /**
   * Records {@code entry} with the signing key, one issuing transaction at a time per registry on
   * this machine (a lock file in Cairn's home); a certificate already recorded returns the receipt
   * of the transaction that recorded it.
   */
  @Override
  public ChainReceipt issue(LedgerEntry.Issued entry) throws LedgerException {
    Transactor from = signer("issue");
    try (IssueLock held = lockFile == null ? null : IssueLock.acquire(lockFile)) {
      Optional<RegistryView.OnChain> existing = record(entry.cluster(), entry.certificate());
      if (existing.isPresent()) {
        return firstReceipt(entry.certificate(), existing.get());
      }
      return receipt(
          from,
          registry.issue(
              entry.cluster().bytes(),
              entry.certificate().bytes(),
              entry.expiresAt().getEpochSecond(),
              entry.locator()));
    }
  }

  /** The receipt of the transaction that recorded {@code certificate}, from its event. */
  private ChainReceipt firstReceipt(Digest certificate, RegistryView.OnChain r)
      throws LedgerException {
    String cluster = "0x" + java.util.HexFormat.of().formatHex(r.cluster().bytes());
    Optional<CertificateRegistry.Event> e =
        registry.issueEvents(certificate.bytes()).stream()
            .filter(
                x ->
                    registry.version() == CertificateRegistry.Version.V1
                        || cluster.equals(x.fields().get("cluster")))
            .findFirst();
    if (e.isEmpty()) {
      throw new LedgerException(
          "certificate " + certificate + " is on the registry but its issue event is not found",
          "use an archive node (this one may prune old logs)");
    }
    return new ChainReceipt(
        spec.toString(),
        chainId,
        spec.contract(),
        e.get().transactionHash(),
        e.get().blockNumber(),
        e.get().blockHash(),
        r.issuer().toLowerCase(Locale.ROOT));
  }

  /**
   * Revokes a certificate. Version 2 keys records by cluster and certificate: the cluster is read
   * from the certificate's issue event (every cluster it was recorded for, if an issuer recorded it
   * for several).
   */
  @Override
  public ChainReceipt revoke(LedgerEntry.Revoked entry) throws LedgerException {
    Transactor from = signer("revoke");
    byte[] certificate = entry.certificate().bytes();
    if (registry.version() == CertificateRegistry.Version.V1) {
      return receipt(from, registry.revoke(certificate, entry.reason()));
    }
    List<Digest> clusters = clustersOf(entry.certificate());
    if (clusters.isEmpty()) {
      throw new LedgerException(
          "certificate " + entry.certificate() + " is not on the registry " + describe(),
          "check the digest (cairn ledger history lists a cluster's certificates); a node that"
              + " prunes old logs cannot say which cluster it was recorded for");
    }
    ChainReceipt last = null;
    for (Digest cluster : clusters) {
      last = receipt(from, registry.revoke(cluster.bytes(), certificate, entry.reason()));
    }
    return Objects.requireNonNull(last);
  }

  /**
   * The clusters a version 2 registry recorded {@code certificate} for, from its issue events, each
   * checked against the record (events alone are not trusted).
   */
  private List<Digest> clustersOf(Digest certificate) throws LedgerException {
    List<Digest> out = new ArrayList<>();
    for (CertificateRegistry.Event e : registry.issueEvents(certificate.bytes())) {
      Digest cluster =
          Digest.ofSha256(
              java.util.HexFormat.of()
                  .parseHex(String.valueOf(e.fields().get("cluster")).substring(2)));
      if (!out.contains(cluster)
          && registry.certificateOf(cluster.bytes(), certificate.bytes()).exists()) {
        out.add(cluster);
      }
    }
    return out;
  }

  /** Grants or removes the issuer role (the signing key must be the registry's admin's). */
  ChainReceipt changeIssuer(String address, boolean remove) throws LedgerException {
    Transactor from = signer(remove ? "remove an issuer" : "grant an issuer");
    return receipt(from, remove ? registry.revokeIssuer(address) : registry.grantIssuer(address));
  }

  /**
   * The record of {@code certificate}. On version 2, whose records are keyed by cluster and
   * certificate, the cluster is found from the issue event; {@link #record(Digest, Digest)} needs
   * no event.
   */
  @Override
  public Optional<RegistryView.OnChain> record(Digest certificate) throws LedgerException {
    if (registry.version() == CertificateRegistry.Version.V1) {
      return onChain(registry.certificateOf(certificate.bytes()), certificate);
    }
    List<Digest> clusters = clustersOf(certificate);
    return clusters.isEmpty() ? Optional.empty() : record(clusters.get(0), certificate);
  }

  @Override
  public Optional<RegistryView.OnChain> record(Digest cluster, Digest certificate)
      throws LedgerException {
    return onChain(registry.certificateOf(cluster.bytes(), certificate.bytes()), certificate);
  }

  /** The registry's contract version: 1 or 2, read from its code when it was opened. */
  @Override
  public int contractVersion() {
    return registry.version().number();
  }

  private Optional<RegistryView.OnChain> onChain(CertificateRegistry.Record r, Digest certificate)
      throws LedgerException {
    if (!r.exists()) {
      return Optional.empty();
    }
    String reason = r.revocationReason();
    if (r.revokedAt() != 0 && registry.version() == CertificateRegistry.Version.V2) {
      // version 2 keeps the reason in the revocation's event only
      reason =
          registry
              .revokeEvent(r.cluster(), certificate.bytes())
              .map(e -> String.valueOf(e.fields().get("reason")))
              .orElse("(the reason is in the revocation's event, which this node no longer has)");
    }
    return Optional.of(
        new RegistryView.OnChain(
            Digest.ofSha256(r.cluster()),
            r.issuer().toLowerCase(Locale.ROOT),
            Instant.ofEpochSecond(r.issuedAt()),
            Instant.ofEpochSecond(r.expiresAt()),
            r.revokedAt() == 0 ? null : Instant.ofEpochSecond(r.revokedAt()),
            r.locator(),
            reason));
  }

  /** Whether {@code address} (0x and 40 hex digits) holds the issuer role now. */
  @Override
  public boolean isIssuer(String address) throws LedgerException {
    if (!address.matches("0x[0-9a-fA-F]{40}")) {
      throw new LedgerException(
          "not an address: " + address, "write an address as 0x and 40 hex digits");
    }
    return registry.isIssuer(address);
  }

  @Override
  public Optional<LedgerEntry.Issued> find(Digest certificate) throws LedgerException {
    return record(certificate).map(x -> issued(x, certificate));
  }

  @Override
  public Optional<LedgerEntry.Revoked> revocation(Digest certificate) throws LedgerException {
    Optional<RegistryView.OnChain> r = record(certificate);
    if (r.isEmpty() || r.get().revokedAt() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new LedgerEntry.Revoked(
            certificate, r.get().revocationReason(), Objects.requireNonNull(r.get().revokedAt())));
  }

  @Override
  public List<LedgerEntry.Issued> history(Digest cluster) throws LedgerException {
    // in pages, so that a long history stays within a node's eth_call limits
    List<LedgerEntry.Issued> out = new ArrayList<>();
    for (byte[] c : registry.historyInPages(cluster.bytes(), HISTORY_PAGE)) {
      find(cluster, Digest.ofSha256(c)).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public Optional<LedgerEntry.Issued> latest(Digest cluster) throws LedgerException {
    byte[] c = registry.latest(cluster.bytes());
    return c == null ? Optional.empty() : find(cluster, Digest.ofSha256(c));
  }

  private Optional<LedgerEntry.Issued> find(Digest cluster, Digest certificate)
      throws LedgerException {
    return record(cluster, certificate).map(x -> issued(x, certificate));
  }

  private static LedgerEntry.Issued issued(RegistryView.OnChain x, Digest certificate) {
    return new LedgerEntry.Issued(
        x.cluster(), certificate, x.issuedAt(), x.expiresAt(), x.locator(), new byte[0]);
  }

  @Override
  public String toString() {
    return describe();
  }

  @Override
  public void close() {
    // HTTP connections are per call
  }
}
