package dev.cairn.ethereum;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The Java side of {@code CertificateRegistry.sol}: deploys it, checks that an address holds it,
 * sends its transactions and reads its views and events. The ABI and bytecode come from the
 * committed artifact that the build compiles from the source and compares ({@code
 * scripts/solc-compile}); {@code CertificateRegistryTest} holds every function here to that ABI.
 */
public final class CertificateRegistry {
  static final String ARTIFACT = "/dev/cairn/ethereum/CertificateRegistry.json";

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

  /** A decoded event of the contract. */
  public record Event(
      String name, long blockNumber, String transactionHash, Map<String, Object> fields) {}

  private static volatile @Nullable Artifact artifact;

  private final JsonRpc rpc;
  private final String address;
  private final @Nullable Transactor tx;

  private CertificateRegistry(JsonRpc rpc, String address, @Nullable Transactor tx) {
    this.rpc = rpc;
    this.address = address;
    this.tx = tx;
  }

  public static Artifact artifact() {
    Artifact a = artifact;
    if (a == null) {
      try (InputStream in = CertificateRegistry.class.getResourceAsStream(ARTIFACT)) {
        if (in == null) {
          throw new IllegalStateException(ARTIFACT + " is missing from the build");
        }
        JsonNode n = Json.mapper().readTree(in);
        Map<String, String> sel = new LinkedHashMap<>();
        n.get("methodIdentifiers")
            .fields()
            .forEachRemaining(e -> sel.put(e.getKey(), e.getValue().asText()));
        a =
            new Artifact(
                n.get("abi"), n.get("bytecode").asText(), n.get("deployedBytecode").asText(), sel);
        artifact = a;
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + ARTIFACT, e);
      }
    }
    return a;
  }

  /** Deploys a new registry administered by {@code admin}; returns its address. */
  public static String deploy(Transactor tx, String admin) throws LedgerException {
    String data =
        artifact().bytecode() + FunctionEncoder.encodeConstructor(List.of(new Address(admin)));
    Transactor.Mined m = tx.send(null, data);
    if (m.contractAddress() == null) {
      throw new LedgerException("deployment " + m.hash() + " created no contract", null);
    }
    return Numeric.prependHexPrefix(m.contractAddress().toLowerCase(Locale.ROOT));
  }

  /**
   * The registry at {@code address}, after checking that the address holds exactly this contract's
   * code. {@code tx} sends transactions (null: read only).
   */
  public static CertificateRegistry at(JsonRpc rpc, String address, @Nullable Transactor tx)
      throws LedgerException {
    if (!address.matches("0x[0-9a-fA-F]{40}")) {
      throw new LedgerException(
          "not a contract address: " + address, "an address is 0x and 40 hex digits");
    }
    String code = rpc.call("eth_getCode", address, "latest").asText();
    if (code.equals("0x") || code.isEmpty()) {
      throw new LedgerException(
          "no contract at " + address + " on " + rpc,
          "check the address in --ledger ethereum:URL#ADDRESS (cairn ledger deploy prints it) and"
              + " that the URL is the chain it was deployed on");
    }
    if (!code.equalsIgnoreCase(artifact().deployedBytecode())) {
      throw new LedgerException(
          "the contract at " + address + " is not Cairn's CertificateRegistry (its code differs)",
          "check the address; a registry deployed by another Cairn version needs that version");
    }
    return new CertificateRegistry(rpc, address.toLowerCase(Locale.ROOT), tx);
  }

  public String address() {
    return address;
  }

  private Transactor tx() throws LedgerException {
    if (tx == null) {
      throw new LedgerException("this registry handle is read-only", null);
    }
    return tx;
  }

  // --- transactions

  public Transactor.Mined grantIssuer(String issuer) throws LedgerException {
    return send(new Function("grantIssuer", List.of(new Address(issuer)), List.of()));
  }

  public Transactor.Mined revokeIssuer(String issuer) throws LedgerException {
    return send(new Function("revokeIssuer", List.of(new Address(issuer)), List.of()));
  }

  public Transactor.Mined transferAdmin(String admin) throws LedgerException {
    return send(new Function("transferAdmin", List.of(new Address(admin)), List.of()));
  }

  public Transactor.Mined acceptAdmin() throws LedgerException {
    return send(new Function("acceptAdmin", List.of(), List.of()));
  }

  public Transactor.Mined issue(byte[] cluster, byte[] certificate, long expiresAt, String locator)
      throws LedgerException {
    return send(
        new Function(
            "issue",
            List.of(
                new Bytes32(cluster),
                new Bytes32(certificate),
                new Uint64(BigInteger.valueOf(expiresAt)),
                new Utf8String(locator)),
            List.of()));
  }

  public Transactor.Mined revoke(byte[] certificate, String reason) throws LedgerException {
    return send(
        new Function(
            "revoke", List.of(new Bytes32(certificate), new Utf8String(reason)), List.of()));
  }

  private Transactor.Mined send(Function f) throws LedgerException {
    return tx().send(address, FunctionEncoder.encode(f));
  }

  // --- views

  public String admin() throws LedgerException {
    return ((Address)
            view(new Function("admin", List.of(), List.of(new TypeReference<Address>() {}))).get(0))
        .getValue();
  }

  public String pendingAdmin() throws LedgerException {
    return ((Address)
            view(new Function("pendingAdmin", List.of(), List.of(new TypeReference<Address>() {})))
                .get(0))
        .getValue();
  }

  public boolean isIssuer(String who) throws LedgerException {
    return ((Bool)
            view(new Function(
                    "isIssuer", List.of(new Address(who)), List.of(new TypeReference<Bool>() {})))
                .get(0))
        .getValue();
  }

  public long certificateCount() throws LedgerException {
    return ((Uint256)
            view(new Function(
                    "certificateCount", List.of(), List.of(new TypeReference<Uint256>() {})))
                .get(0))
        .getValue()
        .longValueExact();
  }

  public boolean isValid(byte[] certificate) throws LedgerException {
    return ((Bool)
            view(new Function(
                    "isValid",
                    List.of(new Bytes32(certificate)),
                    List.of(new TypeReference<Bool>() {})))
                .get(0))
        .getValue();
  }

  public Record certificateOf(byte[] certificate) throws LedgerException {
    List<Type> out =
        view(
            new Function(
                "certificateOf",
                List.of(new Bytes32(certificate)),
                List.of(
                    new TypeReference<Bytes32>() {},
                    new TypeReference<Address>() {},
                    new TypeReference<Uint64>() {},
                    new TypeReference<Uint64>() {},
                    new TypeReference<Uint64>() {},
                    new TypeReference<Utf8String>() {},
                    new TypeReference<Utf8String>() {})));
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
    byte[] v =
        ((Bytes32)
                view(new Function(
                        "latest",
                        List.of(new Bytes32(cluster)),
                        List.of(new TypeReference<Bytes32>() {})))
                    .get(0))
            .getValue();
    return java.util.Arrays.equals(v, new byte[32]) ? null : v;
  }

  public long historyLength(byte[] cluster) throws LedgerException {
    return ((Uint256)
            view(new Function(
                    "historyLength",
                    List.of(new Bytes32(cluster)),
                    List.of(new TypeReference<Uint256>() {})))
                .get(0))
        .getValue()
        .longValueExact();
  }

  /** Up to {@code limit} certificates of a cluster from {@code offset}, oldest first. */
  public List<byte[]> historyPage(byte[] cluster, long offset, long limit) throws LedgerException {
    List<Type> out =
        view(
            new Function(
                "historyPage",
                List.of(
                    new Bytes32(cluster),
                    new Uint256(BigInteger.valueOf(offset)),
                    new Uint256(BigInteger.valueOf(limit))),
                List.of(new TypeReference<DynamicArray<Bytes32>>() {})));
    return digests(out.get(0));
  }

  public List<byte[]> history(byte[] cluster) throws LedgerException {
    List<Type> out =
        view(
            new Function(
                "history",
                List.of(new Bytes32(cluster)),
                List.of(new TypeReference<DynamicArray<Bytes32>>() {})));
    return digests(out.get(0));
  }

  @SuppressWarnings("unchecked")
  private static List<byte[]> digests(Type array) {
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
    return FunctionReturnDecoder.decode(r.asText(), (List) f.getOutputParameters());
  }

  // --- events

  /** The contract's events from {@code fromBlock} on, oldest first. */
  public List<Event> events(long fromBlock) throws LedgerException {
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("address", address);
    filter.put("fromBlock", "0x" + Long.toHexString(fromBlock));
    filter.put("toBlock", "latest");
    List<Event> out = new ArrayList<>();
    for (JsonNode log : rpc.call("eth_getLogs", filter)) {
      List<String> topics = new ArrayList<>();
      log.get("topics").forEach(t -> topics.add(t.asText()));
      String data = log.get("data").asText();
      long block = Transactor.quantity(log.get("blockNumber")).longValue();
      String txh = log.get("transactionHash").asText();
      Map<String, Object> f = new LinkedHashMap<>();
      String name;
      String t0 = topics.get(0);
      if (t0.equals(topic("CertificateIssued(bytes32,bytes32,address,uint64,string)"))) {
        name = "CertificateIssued";
        f.put("cluster", topics.get(1));
        f.put("certificate", topics.get(2));
        f.put("issuer", topicAddress(topics.get(3)));
        List<Type> d =
            decode(
                data, List.of(new TypeReference<Uint64>() {}, new TypeReference<Utf8String>() {}));
        f.put("expiresAt", ((Uint64) d.get(0)).getValue().longValueExact());
        f.put("locator", ((Utf8String) d.get(1)).getValue());
      } else if (t0.equals(topic("CertificateRevoked(bytes32,address,string)"))) {
        name = "CertificateRevoked";
        f.put("certificate", topics.get(1));
        f.put("revokedBy", topicAddress(topics.get(2)));
        f.put(
            "reason",
            ((Utf8String) decode(data, List.of(new TypeReference<Utf8String>() {})).get(0))
                .getValue());
      } else if (t0.equals(topic("IssuerGranted(address)"))) {
        name = "IssuerGranted";
        f.put("issuer", topicAddress(topics.get(1)));
      } else if (t0.equals(topic("IssuerRevoked(address)"))) {
        name = "IssuerRevoked";
        f.put("issuer", topicAddress(topics.get(1)));
      } else if (t0.equals(topic("AdminTransferStarted(address,address)"))) {
        name = "AdminTransferStarted";
        f.put("admin", topicAddress(topics.get(1)));
        f.put("pendingAdmin", topicAddress(topics.get(2)));
      } else if (t0.equals(topic("AdminTransferred(address,address)"))) {
        name = "AdminTransferred";
        f.put("previousAdmin", topicAddress(topics.get(1)));
        f.put("newAdmin", topicAddress(topics.get(2)));
      } else {
        name = "unknown " + t0;
      }
      out.add(new Event(name, block, txh, f));
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Type> decode(String data, List<TypeReference<?>> types) {
    return FunctionReturnDecoder.decode(data, (List) types);
  }

  static String topic(String signature) {
    return Hash.sha3String(signature);
  }

  private static String topicAddress(String topic) {
    return "0x" + topic.substring(topic.length() - 40);
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
    for (JsonNode e : artifact().abi()) {
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
}
