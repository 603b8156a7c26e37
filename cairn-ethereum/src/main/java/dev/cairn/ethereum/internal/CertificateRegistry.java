package dev.cairn.ethereum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The Java side of {@code CertificateRegistry.sol} (version 1) and {@code
 * CertificateRegistryV2.sol}: deploys them, checks that an address holds one (and which), sends
 * their transactions and reads their views and events. The ABIs and bytecode come from the
 * committed artifacts that the build compiles from the sources and compares ({@code
 * scripts/solc-compile}). Every call is encoded by one method of {@link Calls} (version 1) or
 * {@link CallsV2} and every event is decoded by {@link #decodeLog}; {@code CertificateRegistryTest}
 * and {@code CertificateRegistryV2Test} hold both to the ABIs.
 */
public final class CertificateRegistry {
  /**
   * Where the build puts the compiled contract (kept where {@code scripts/solc-compile} writes).
   */
  public static final String ARTIFACT = "/dev/cairn/ethereum/CertificateRegistry.json";

  /** Where the build puts the compiled version 2. */
  public static final String ARTIFACT_V2 = "/dev/cairn/ethereum/CertificateRegistryV2.json";

  /** The contract versions Cairn speaks; a trust root's ledger pin names one by its number. */
  public enum Version {
    /**
     * {@code CertificateRegistry.sol}: the record keyed by certificate, with cluster and locator.
     */
    V1(1, ARTIFACT),
    /**
     * {@code CertificateRegistryV2.sol}: one slot per certificate keyed by (cluster, certificate),
     * digests only, the revocation reason in the event.
     */
    V2(2, ARTIFACT_V2);

    private final int number;
    private final String resource;

    Version(int number, String resource) {
      this.number = number;
      this.resource = resource;
    }

    public int number() {
      return number;
    }

    /** The version numbered {@code n}, or null. */
    public static @Nullable Version of(int n) {
      for (Version v : values()) {
        if (v.number == n) {
          return v;
        }
      }
      return null;
    }
  }

  /** The compiled contract. */
  public record Artifact(
      JsonNode abi, String bytecode, String deployedBytecode, Map<String, String> selectors) {}

  /** A certificate as the contract records it; {@code issuedAt == 0}: never issued. */
  public record Record(
      byte[] cluster,
      String issuer,
      long issuedAt,
      long expiresAt,
      long revokedAt,
      String locator,
      String revocationReason) {
    public boolean exists() {
      return issuedAt != 0;
    }
  }

  /** A decoded event of the contract; {@code fields} named and ordered as in the ABI. */
  public record Event(
      String name,
      long blockNumber,
      String blockHash,
      String transactionHash,
      Map<String, Object> fields) {}

  /**
   * An event as this wrapper decodes it: its web3j description (types, which are indexed) and the
   * names of its fields in the ABI's order.
   */
  public record EventSpec(org.web3j.abi.datatypes.Event event, List<String> fieldNames) {
    public EventSpec {
      fieldNames = List.copyOf(fieldNames);
      if (fieldNames.size() != event.getParameters().size()) {
        throw new IllegalArgumentException(event.getName() + ": one name per parameter");
      }
    }

    public String name() {
      return event.getName();
    }

    /** The event's topic 0: keccak256 of its signature, as 0x-hex. */
    public String topic() {
      return EventEncoder.encode(event);
    }
  }

  /** Every event of the contract, as this wrapper decodes it. */
  public static final List<EventSpec> EVENTS =
      List.of(
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "CertificateIssued",
                  List.of(
                      new TypeReference<Bytes32>(true) {},
                      new TypeReference<Bytes32>(true) {},
                      new TypeReference<Address>(true) {},
                      new TypeReference<Uint64>(false) {},
                      new TypeReference<Utf8String>(false) {})),
              List.of("cluster", "certificate", "issuer", "expiresAt", "locator")),
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "CertificateRevoked",
                  List.of(
                      new TypeReference<Bytes32>(true) {},
                      new TypeReference<Address>(true) {},
                      new TypeReference<Utf8String>(false) {})),
              List.of("certificate", "revokedBy", "reason")),
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "IssuerGranted", List.of(new TypeReference<Address>(true) {})),
              List.of("issuer")),
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "IssuerRevoked", List.of(new TypeReference<Address>(true) {})),
              List.of("issuer")),
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "AdminTransferStarted",
                  List.of(
                      new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {})),
              List.of("admin", "pendingAdmin")),
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "AdminTransferred",
                  List.of(
                      new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {})),
              List.of("previousAdmin", "newAdmin")));

  /** Every event of version 2, as this wrapper decodes it. */
  public static final List<EventSpec> EVENTS_V2 =
      List.of(
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "CertificateIssued",
                  List.of(
                      new TypeReference<Bytes32>(true) {},
                      new TypeReference<Bytes32>(true) {},
                      new TypeReference<Address>(true) {})),
              List.of("cluster", "certificate", "issuer")),
          new EventSpec(
              new org.web3j.abi.datatypes.Event(
                  "CertificateRevoked",
                  List.of(
                      new TypeReference<Bytes32>(true) {},
                      new TypeReference<Bytes32>(true) {},
                      new TypeReference<Address>(true) {},
                      new TypeReference<Utf8String>(false) {})),
              List.of("cluster", "certificate", "revokedBy", "reason")),
          EVENTS.get(2),
          EVENTS.get(3),
          EVENTS.get(4),
          EVENTS.get(5));

  /**
   * The contract's functions as this wrapper encodes them: one method per ABI function, with the
   * output types the wrapper decodes the answer with. Nothing else in the wrapper builds a call.
   */
  public static final class Calls {
    private Calls() {}

    /** The constructor's arguments (to append to the creation code), hex without 0x. */
    public static String constructor(String initialAdmin) {
      return FunctionEncoder.encodeConstructor(List.of(new Address(initialAdmin)));
    }

    public static Function grantIssuer(String issuer) {
      return new Function("grantIssuer", List.of(new Address(issuer)), List.of());
    }

    public static Function revokeIssuer(String issuer) {
      return new Function("revokeIssuer", List.of(new Address(issuer)), List.of());
    }

    public static Function transferAdmin(String newAdmin) {
      return new Function("transferAdmin", List.of(new Address(newAdmin)), List.of());
    }

    public static Function acceptAdmin() {
      return new Function("acceptAdmin", List.of(), List.of());
    }

    public static Function issue(
        byte[] cluster, byte[] certificate, long expiresAt, String locator) {
      return new Function(
          "issue",
          List.of(
              new Bytes32(cluster),
              new Bytes32(certificate),
              new Uint64(BigInteger.valueOf(expiresAt)),
              new Utf8String(locator)),
          List.of());
    }

    public static Function revoke(byte[] certificate, String reason) {
      return new Function(
          "revoke", List.of(new Bytes32(certificate), new Utf8String(reason)), List.of());
    }

    public static Function admin() {
      return new Function("admin", List.of(), List.of(new TypeReference<Address>() {}));
    }

    public static Function pendingAdmin() {
      return new Function("pendingAdmin", List.of(), List.of(new TypeReference<Address>() {}));
    }

    public static Function isIssuer(String who) {
      return new Function(
          "isIssuer", List.of(new Address(who)), List.of(new TypeReference<Bool>() {}));
    }

    public static Function certificateCount() {
      return new Function("certificateCount", List.of(), List.of(new TypeReference<Uint256>() {}));
    }

    public static Function isValid(byte[] certificate) {
      return new Function(
          "isValid", List.of(new Bytes32(certificate)), List.of(new TypeReference<Bool>() {}));
    }

    public static Function certificateOf(byte[] certificate) {
      return new Function(
          "certificateOf",
          List.of(new Bytes32(certificate)),
          List.of(
              new TypeReference<Bytes32>() {},
              new TypeReference<Address>() {},
              new TypeReference<Uint64>() {},
              new TypeReference<Uint64>() {},
              new TypeReference<Uint64>() {},
              new TypeReference<Utf8String>() {},
              new TypeReference<Utf8String>() {}));
    }

    public static Function latest(byte[] cluster) {
      return new Function(
          "latest", List.of(new Bytes32(cluster)), List.of(new TypeReference<Bytes32>() {}));
    }

    public static Function historyLength(byte[] cluster) {
      return new Function(
          "historyLength", List.of(new Bytes32(cluster)), List.of(new TypeReference<Uint256>() {}));
    }

    public static Function historyPage(byte[] cluster, long offset, long limit) {
      return new Function(
          "historyPage",
          List.of(
              new Bytes32(cluster),
              new Uint256(BigInteger.valueOf(offset)),
              new Uint256(BigInteger.valueOf(limit))),
          List.of(new TypeReference<DynamicArray<Bytes32>>() {}));
    }

    public static Function history(byte[] cluster) {
      return new Function(
          "history",
          List.of(new Bytes32(cluster)),
          List.of(new TypeReference<DynamicArray<Bytes32>>() {}));
    }
  }

  /**
   * Version 2's functions as this wrapper encodes them: one method per ABI function. Nothing else
   * in the wrapper builds a call to version 2.
   */
  public static final class CallsV2 {
    private CallsV2() {}

    public static String constructor(String initialAdmin) {
      return Calls.constructor(initialAdmin);
    }

    public static Function grantIssuer(String issuer) {
      return Calls.grantIssuer(issuer);
    }

    public static Function revokeIssuer(String issuer) {
      return Calls.revokeIssuer(issuer);
    }

    public static Function transferAdmin(String newAdmin) {
      return Calls.transferAdmin(newAdmin);
    }

    public static Function acceptAdmin() {
      return Calls.acceptAdmin();
    }

    public static Function admin() {
      return Calls.admin();
    }

    public static Function pendingAdmin() {
      return Calls.pendingAdmin();
    }

    public static Function isIssuer(String who) {
      return Calls.isIssuer(who);
    }

    public static Function issue(byte[] cluster, byte[] certificate, long expiresAt) {
      return new Function(
          "issue",
          List.of(
              new Bytes32(cluster),
              new Bytes32(certificate),
              new Uint64(BigInteger.valueOf(expiresAt))),
          List.of());
    }

    public static Function revoke(byte[] cluster, byte[] certificate, String reason) {
      return new Function(
          "revoke",
          List.of(new Bytes32(cluster), new Bytes32(certificate), new Utf8String(reason)),
          List.of());
    }

    public static Function isValid(byte[] cluster, byte[] certificate) {
      return new Function(
          "isValid",
          List.of(new Bytes32(cluster), new Bytes32(certificate)),
          List.of(new TypeReference<Bool>() {}));
    }

    public static Function certificateOf(byte[] cluster, byte[] certificate) {
      return new Function(
          "certificateOf",
          List.of(new Bytes32(cluster), new Bytes32(certificate)),
          List.of(
              new TypeReference<Address>() {},
              new TypeReference<Uint32>() {},
              new TypeReference<Uint32>() {},
              new TypeReference<Uint32>() {}));
    }

    public static Function latest(byte[] cluster) {
      return Calls.latest(cluster);
    }

    public static Function previous(byte[] cluster, byte[] certificate) {
      return new Function(
          "previous",
          List.of(new Bytes32(cluster), new Bytes32(certificate)),
          List.of(new TypeReference<Bytes32>() {}));
    }

    public static Function history(byte[] cluster) {
      return Calls.history(cluster);
    }

    public static Function historyPage(byte[] cluster, byte[] before, long limit) {
      return new Function(
          "historyPage",
          List.of(
              new Bytes32(cluster), new Bytes32(before), new Uint256(BigInteger.valueOf(limit))),
          List.of(new TypeReference<DynamicArray<Bytes32>>() {}));
    }
  }

  private static volatile @Nullable Artifact artifact;
  private static volatile @Nullable Artifact artifactV2;

  private final JsonRpc rpc;
  private final String address;
  private final Version version;
  private final @Nullable Transactor tx;

  private CertificateRegistry(
      JsonRpc rpc, String address, Version version, @Nullable Transactor tx) {
    this.rpc = rpc;
    this.address = address;
    this.version = version;
    this.tx = tx;
  }

  /** Version 1's compiled contract. */
  public static Artifact artifact() {
    Artifact a = artifact;
    if (a == null) {
      a = load(ARTIFACT);
      artifact = a;
    }
    return a;
  }

  /** The compiled contract of {@code v}. */
  public static Artifact artifact(Version v) {
    if (v == Version.V1) {
      return artifact();
    }
    Artifact a = artifactV2;
    if (a == null) {
      a = load(ARTIFACT_V2);
      artifactV2 = a;
    }
    return a;
  }

  private static Artifact load(String resource) {
    try (InputStream in = CertificateRegistry.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the build");
      }
      JsonNode n = Jackson.MAPPER.readTree(in);
      Map<String, String> sel = new LinkedHashMap<>();
      n.get("methodIdentifiers")
          .fields()
          .forEachRemaining(e -> sel.put(e.getKey(), e.getValue().asText()));
      return new Artifact(
          n.get("abi"), n.get("bytecode").asText(), n.get("deployedBytecode").asText(), sel);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  /**
   * Deploys a new registry (version 1) administered by {@code admin}; the result's {@code
   * contractAddress} is its address (lower case).
   */
  public static Transactor.Mined deploy(Transactor tx, String admin) throws LedgerException {
    return deploy(tx, admin, Version.V1);
  }

  /** Deploys a new registry of version {@code v} administered by {@code admin}. */
  public static Transactor.Mined deploy(Transactor tx, String admin, Version v)
      throws LedgerException {
    Transactor.Mined m = tx.send(null, artifact(v).bytecode() + Calls.constructor(admin));
    String created = m.contractAddress();
    if (created == null) {
      throw new LedgerException("deployment " + m.hash() + " created no contract", null);
    }
    return new Transactor.Mined(
        m.hash(),
        m.blockNumber(),
        m.blockHash(),
        m.gasUsed(),
        Numeric.prependHexPrefix(created.toLowerCase(Locale.ROOT)));
  }

  /**
   * The registry at {@code address}, after checking that the address holds exactly this contract's
   * code. {@code tx} sends transactions (null: read only).
   */
  public static CertificateRegistry at(JsonRpc rpc, String address, @Nullable Transactor tx)
      throws LedgerException {
    Version v = checkCode(rpc, address);
    return new CertificateRegistry(rpc, address.toLowerCase(Locale.ROOT), v, tx);
  }

  /**
   * Checks that {@code address} holds Cairn's registry on the chain {@code rpc} reaches, and
   * returns which version: the code is compared with each version's runtime bytecode.
   */
  public static Version checkCode(JsonRpc rpc, String address) throws LedgerException {
    if (!address.matches("0x[0-9a-fA-F]{40}")) {
      throw new LedgerException(
          "not a contract address: " + address, "write an address as 0x and 40 hex digits");
    }
    String code = rpc.code(address);
    if (code.equals("0x") || code.isEmpty()) {
      throw new LedgerException(
          "no contract at " + address + " on " + rpc,
          "check the registry's address (cairn ledger deploy prints it) and that the endpoint"
              + " serves the chain it was deployed on");
    }
    for (Version v : Version.values()) {
      if (code.equalsIgnoreCase(artifact(v).deployedBytecode())) {
        return v;
      }
    }
    throw new LedgerException(
        "the contract at " + address + " is not Cairn's CertificateRegistry (its code differs)",
        "check the address; a registry deployed by another Cairn version needs that version");
  }

  public String address() {
    return address;
  }

  /** The contract version at {@link #address()}, as its code says. */
  public Version version() {
    return version;
  }

  private Transactor tx() throws LedgerException {
    if (tx == null) {
      throw new LedgerException("this registry handle is read-only", null);
    }
    return tx;
  }

  // --- transactions

  public Transactor.Mined grantIssuer(String issuer) throws LedgerException {
    return send(Calls.grantIssuer(issuer));
  }

  public Transactor.Mined revokeIssuer(String issuer) throws LedgerException {
    return send(Calls.revokeIssuer(issuer));
  }

  public Transactor.Mined transferAdmin(String admin) throws LedgerException {
    return send(Calls.transferAdmin(admin));
  }

  public Transactor.Mined acceptAdmin() throws LedgerException {
    return send(Calls.acceptAdmin());
  }

  /** Records a certificate; version 2 keeps no locator (it is dropped). */
  public Transactor.Mined issue(byte[] cluster, byte[] certificate, long expiresAt, String locator)
      throws LedgerException {
    return send(
        version == Version.V1
            ? Calls.issue(cluster, certificate, expiresAt, locator)
            : CallsV2.issue(cluster, certificate, expiresAt));
  }

  /** Revokes a version 1 record, named by its certificate alone. */
  public Transactor.Mined revoke(byte[] certificate, String reason) throws LedgerException {
    requireVersion(Version.V1, "revoke(certificate, reason)");
    return send(Calls.revoke(certificate, reason));
  }

  /** Revokes a certificate of a cluster (version 1 needs only the certificate). */
  public Transactor.Mined revoke(byte[] cluster, byte[] certificate, String reason)
      throws LedgerException {
    return send(
        version == Version.V1
            ? Calls.revoke(certificate, reason)
            : CallsV2.revoke(cluster, certificate, reason));
  }

  private void requireVersion(Version v, String what) throws LedgerException {
    if (version != v) {
      throw new LedgerException(
          what + " is a call of CertificateRegistry " + v + "; " + address + " is " + version,
          null);
    }
  }

  private Transactor.Mined send(Function f) throws LedgerException {
    return tx().send(address, FunctionEncoder.encode(f));
  }

  // --- views

  public String admin() throws LedgerException {
    return ((Address) view(Calls.admin()).get(0)).getValue();
  }

  public String pendingAdmin() throws LedgerException {
    return ((Address) view(Calls.pendingAdmin()).get(0)).getValue();
  }

  public boolean isIssuer(String who) throws LedgerException {
    return ((Bool) view(Calls.isIssuer(who)).get(0)).getValue();
  }

  public long certificateCount() throws LedgerException {
    requireVersion(Version.V1, "certificateCount");
    return ((Uint256) view(Calls.certificateCount()).get(0)).getValue().longValueExact();
  }

  public boolean isValid(byte[] certificate) throws LedgerException {
    requireVersion(Version.V1, "isValid(certificate)");
    return ((Bool) view(Calls.isValid(certificate)).get(0)).getValue();
  }

  /** Whether a certificate of a cluster is valid (version 1: the certificate's record). */
  public boolean isValid(byte[] cluster, byte[] certificate) throws LedgerException {
    Function f =
        version == Version.V1 ? Calls.isValid(certificate) : CallsV2.isValid(cluster, certificate);
    return ((Bool) view(f).get(0)).getValue();
  }

  /** Version 1's record of a certificate. */
  public Record certificateOf(byte[] certificate) throws LedgerException {
    requireVersion(Version.V1, "certificateOf(certificate)");
    return record(view(Calls.certificateOf(certificate)));
  }

  /**
   * The record of a certificate of a cluster. Version 1 answers by the certificate alone, with the
   * cluster it was recorded for (which may differ); version 2 by both, with {@code cluster} as
   * given, no locator and no revocation reason (that is in the revocation's event).
   */
  public Record certificateOf(byte[] cluster, byte[] certificate) throws LedgerException {
    if (version == Version.V1) {
      return record(view(Calls.certificateOf(certificate)));
    }
    return recordV2(cluster, view(CallsV2.certificateOf(cluster, certificate)));
  }

  /** Version 2's {@code certificateOf} answer, decoded with the types of {@link CallsV2}. */
  public static Record recordV2(byte[] cluster, List<Type> out) {
    return new Record(
        cluster.clone(),
        ((Address) out.get(0)).getValue(),
        ((Uint32) out.get(1)).getValue().longValueExact(),
        ((Uint32) out.get(2)).getValue().longValueExact(),
        ((Uint32) out.get(3)).getValue().longValueExact(),
        "",
        "");
  }

  /** {@code certificateOf}'s answer, decoded with the types of {@link Calls#certificateOf}. */
  public static Record record(List<Type> out) {
    return new Record(
        ((Bytes32) out.get(0)).getValue(),
        ((Address) out.get(1)).getValue(),
        ((Uint64) out.get(2)).getValue().longValueExact(),
        ((Uint64) out.get(3)).getValue().longValueExact(),
        ((Uint64) out.get(4)).getValue().longValueExact(),
        ((Utf8String) out.get(5)).getValue(),
        ((Utf8String) out.get(6)).getValue());
  }

  /** The newest certificate of a cluster, or null. */
  public byte @Nullable [] latest(byte[] cluster) throws LedgerException {
    byte[] v = ((Bytes32) view(Calls.latest(cluster)).get(0)).getValue();
    return Arrays.equals(v, new byte[32]) ? null : v;
  }

  public long historyLength(byte[] cluster) throws LedgerException {
    requireVersion(Version.V1, "historyLength");
    return ((Uint256) view(Calls.historyLength(cluster)).get(0)).getValue().longValueExact();
  }

  /** Up to {@code limit} certificates of a cluster from {@code offset}, oldest first (V1). */
  public List<byte[]> historyPage(byte[] cluster, long offset, long limit) throws LedgerException {
    requireVersion(Version.V1, "historyPage(cluster, offset, limit)");
    return digests(view(Calls.historyPage(cluster, offset, limit)).get(0));
  }

  /**
   * Up to {@code limit} certificates of a cluster recorded before {@code before} (all zero: from
   * the newest), newest first (V2).
   */
  public List<byte[]> historyBefore(byte[] cluster, byte[] before, long limit)
      throws LedgerException {
    requireVersion(Version.V2, "historyPage(cluster, before, limit)");
    return digests(view(CallsV2.historyPage(cluster, before, limit)).get(0));
  }

  /** The certificate of a cluster recorded before {@code certificate}, or null (V2). */
  public byte @Nullable [] previous(byte[] cluster, byte[] certificate) throws LedgerException {
    requireVersion(Version.V2, "previous");
    byte[] v = ((Bytes32) view(CallsV2.previous(cluster, certificate)).get(0)).getValue();
    return Arrays.equals(v, new byte[32]) ? null : v;
  }

  /**
   * Every certificate of a cluster, oldest first, read in pages of {@code pageSize} so that a long
   * history stays within a node's {@code eth_call} limits.
   */
  public List<byte[]> historyInPages(byte[] cluster, long pageSize) throws LedgerException {
    List<byte[]> out = new ArrayList<>();
    if (version == Version.V1) {
      long n = historyLength(cluster);
      for (long offset = 0; offset < n; offset += pageSize) {
        out.addAll(historyPage(cluster, offset, pageSize));
      }
      return out;
    }
    byte[] before = new byte[32];
    while (true) {
      List<byte[]> page = historyBefore(cluster, before, pageSize);
      out.addAll(page);
      if (page.size() < pageSize) {
        break;
      }
      before = page.get(page.size() - 1);
    }
    java.util.Collections.reverse(out);
    return out;
  }

  public List<byte[]> history(byte[] cluster) throws LedgerException {
    return digests(view(Calls.history(cluster)).get(0));
  }

  /** A {@code bytes32[]} answer as a list of digests. */
  @SuppressWarnings("unchecked")
  public static List<byte[]> digests(Type array) {
    List<byte[]> h = new ArrayList<>();
    for (Bytes32 b : ((DynamicArray<Bytes32>) array).getValue()) {
      h.add(b.getValue());
    }
    return h;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<Type> view(Function f) throws LedgerException {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", address);
    call.put("data", FunctionEncoder.encode(f));
    JsonNode r;
    try {
      r = rpc.call("eth_call", call, "latest");
    } catch (JsonRpc.RpcError e) {
      throw new LedgerException(
          f.getName()
              + " reverted: "
              + (e.data() == null ? e.getMessage() : decodeRevert(e.data())),
          null,
          e);
    }
    List<Type> out = FunctionReturnDecoder.decode(r.asText(), (List) f.getOutputParameters());
    if (out.size() != f.getOutputParameters().size()) {
      throw new LedgerException(
          f.getName() + " answered " + r + ", not " + f.getOutputParameters().size() + " values",
          "check that the endpoint serves the chain the registry is on");
    }
    return out;
  }

  // --- events

  /** The contract's events from {@code fromBlock} on, oldest first. */
  public List<Event> events(long fromBlock) throws LedgerException {
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("address", address);
    filter.put("fromBlock", "0x" + Long.toHexString(fromBlock));
    filter.put("toBlock", "latest");
    return logs(filter);
  }

  /** The event that issued {@code certificate}, if the node still has it. */
  public Optional<Event> issueEvent(byte[] certificate) throws LedgerException {
    return issueEvents(certificate).stream().findFirst();
  }

  /**
   * The events that issued {@code certificate}, oldest first (version 2 may record one certificate
   * for several clusters: each is its own record).
   */
  public List<Event> issueEvents(byte[] certificate) throws LedgerException {
    return eventsOf(0, null, certificate);
  }

  /** The event that revoked a certificate of a cluster, if the node still has it. */
  public Optional<Event> revokeEvent(byte[] cluster, byte[] certificate) throws LedgerException {
    return eventsOf(
            1,
            version == Version.V1 ? certificate : cluster,
            version == Version.V1 ? null : certificate)
        .stream()
        .findFirst();
  }

  /** Logs of event {@code index} of this version's list with the given first two indexed topics. */
  private List<Event> eventsOf(int index, byte @Nullable [] topic1, byte @Nullable [] topic2)
      throws LedgerException {
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("address", address);
    filter.put("fromBlock", "0x0");
    filter.put("toBlock", "latest");
    List<@Nullable Object> topics = new ArrayList<>();
    topics.add((version == Version.V1 ? EVENTS : EVENTS_V2).get(index).topic());
    topics.add(topic1 == null ? null : Numeric.toHexString(topic1));
    if (topic2 != null) {
      topics.add(Numeric.toHexString(topic2));
    }
    filter.put("topics", topics);
    return logs(filter);
  }

  private List<Event> logs(Map<String, Object> filter) throws LedgerException {
    List<Event> out = new ArrayList<>();
    for (JsonNode log : rpc.call("eth_getLogs", filter)) {
      List<String> topics = new ArrayList<>();
      log.get("topics").forEach(t -> topics.add(t.asText()));
      out.add(
          decodeLog(
              topics,
              log.get("data").asText(),
              JsonRpc.quantity(log.get("blockNumber")).longValue(),
              log.get("blockHash").asText(),
              log.get("transactionHash").asText()));
    }
    return out;
  }

  /**
   * A log of the contract as an {@link Event}: indexed fields from the topics, the others from the
   * data, named as in the ABI. Digests are 0x-hex, addresses lower-case 0x-hex, {@code uint64} a
   * {@code Long}, strings as they are. A log of no known event is named {@code unknown 0x…}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Event decodeLog(
      List<String> topics, String data, long blockNumber, String blockHash, String transaction) {
    String t0 = topics.isEmpty() ? "" : topics.get(0);
    List<EventSpec> all = new ArrayList<>(EVENTS);
    all.addAll(EVENTS_V2.subList(0, 2));
    for (EventSpec spec : all) {
      if (!spec.topic().equals(t0)) {
        continue;
      }
      List<Type> plain =
          FunctionReturnDecoder.decode(data, (List) spec.event().getNonIndexedParameters());
      Map<String, Object> f = new LinkedHashMap<>();
      int topic = 1;
      int next = 0;
      List<TypeReference<Type>> params = spec.event().getParameters();
      for (int i = 0; i < params.size(); i++) {
        Type v =
            params.get(i).isIndexed()
                ? FunctionReturnDecoder.decodeIndexedValue(topics.get(topic++), params.get(i))
                : plain.get(next++);
        f.put(spec.fieldNames().get(i), javaValue(v));
      }
      return new Event(spec.name(), blockNumber, blockHash, transaction, f);
    }
    return new Event("unknown " + t0, blockNumber, blockHash, transaction, Map.of());
  }

  private static Object javaValue(Type v) {
    if (v instanceof Bytes32 b) {
      return Numeric.toHexString(b.getValue());
    }
    if (v instanceof Address a) {
      return a.getValue().toLowerCase(Locale.ROOT);
    }
    if (v instanceof Uint64 u) {
      return u.getValue().longValueExact();
    }
    if (v instanceof Uint32 u) {
      return u.getValue().longValueExact();
    }
    return v.getValue();
  }

  // --- errors

  /**
   * Revert data as people read it: {@code NotIssuer(0xabc…)} for the contract's custom errors, the
   * message of {@code Error(string)}, the code of {@code Panic(uint256)}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static String decodeRevert(String data) {
    String hex = Numeric.cleanHexPrefix(data);
    if (hex.length() < 8) {
      return "reverted without a reason";
    }
    String selector = hex.substring(0, 8);
    String args = "0x" + hex.substring(8);
    if (selector.equals("08c379a0")) {
      List<Type> d = decode(args, List.of(new TypeReference<Utf8String>() {}));
      return d.isEmpty() ? "Error()" : "Error(" + d.get(0).getValue() + ")";
    }
    if (selector.equals("4e487b71")) {
      List<Type> d = decode(args, List.of(new TypeReference<Uint256>() {}));
      return d.isEmpty()
          ? "Panic()"
          : "Panic(0x" + ((BigInteger) d.get(0).getValue()).toString(16) + ")";
    }
    List<JsonNode> errors = new ArrayList<>();
    artifact(Version.V2).abi().forEach(errors::add);
    artifact().abi().forEach(errors::add);
    for (JsonNode e : errors) {
      if (!"error".equals(e.path("type").asText())) {
        continue;
      }
      List<String> types = new ArrayList<>();
      e.get("inputs").forEach(i -> types.add(i.get("type").asText()));
      String sig = e.get("name").asText() + "(" + String.join(",", types) + ")";
      if (Hash.sha3String(sig).substring(2, 10).equals(selector)) {
        List<TypeReference<?>> refs = new ArrayList<>();
        for (String t : types) {
          try {
            refs.add(TypeReference.makeTypeReference(t));
          } catch (ClassNotFoundException ex) {
            return sig;
          }
        }
        List<String> vals = new ArrayList<>();
        for (Type v : decode(args, refs)) {
          Object o = v.getValue();
          vals.add(o instanceof byte[] b ? Numeric.toHexString(b) : String.valueOf(o));
        }
        return e.get("name").asText() + "(" + String.join(", ", vals) + ")";
      }
    }
    return "reverted with unknown error 0x" + selector;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Type> decode(String data, List<TypeReference<?>> types) {
    return FunctionReturnDecoder.decode(data, (List) types);
  }
}
