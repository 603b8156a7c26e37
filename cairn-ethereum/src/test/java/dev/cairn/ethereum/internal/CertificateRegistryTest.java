package dev.cairn.ethereum.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.AbiTypes;
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

/**
 * The wrapper against the committed ABI, through the wrapper's own encoders: for every function the
 * selector is keccak256 of the signature the ABI gives, the arguments are byte for byte the ABI
 * encoding of what was passed (and web3j's decoder reads them back), the answer is decoded with the
 * ABI's output types; every event is recognised by the ABI's topic and decoded into the ABI's
 * fields. Signatures are computed here from the ABI JSON, never taken from the wrapper.
 */
class CertificateRegistryTest {
  static final JsonNode ABI = CertificateRegistry.artifact().abi();

  /** How the wrapper encodes each ABI function, given arguments in the ABI's order. */
  static final Map<String, java.util.function.Function<List<Object>, Function>> WRAPPER =
      Map.ofEntries(
          Map.entry("acceptAdmin", a -> CertificateRegistry.Calls.acceptAdmin()),
          Map.entry("admin", a -> CertificateRegistry.Calls.admin()),
          Map.entry("pendingAdmin", a -> CertificateRegistry.Calls.pendingAdmin()),
          Map.entry("certificateCount", a -> CertificateRegistry.Calls.certificateCount()),
          Map.entry("certificateOf", a -> CertificateRegistry.Calls.certificateOf(bytes(a, 0))),
          Map.entry("grantIssuer", a -> CertificateRegistry.Calls.grantIssuer(text(a, 0))),
          Map.entry("revokeIssuer", a -> CertificateRegistry.Calls.revokeIssuer(text(a, 0))),
          Map.entry("transferAdmin", a -> CertificateRegistry.Calls.transferAdmin(text(a, 0))),
          Map.entry("history", a -> CertificateRegistry.Calls.history(bytes(a, 0))),
          Map.entry("historyLength", a -> CertificateRegistry.Calls.historyLength(bytes(a, 0))),
          Map.entry(
              "historyPage",
              a -> CertificateRegistry.Calls.historyPage(bytes(a, 0), number(a, 1), number(a, 2))),
          Map.entry("isIssuer", a -> CertificateRegistry.Calls.isIssuer(text(a, 0))),
          Map.entry("isValid", a -> CertificateRegistry.Calls.isValid(bytes(a, 0))),
          Map.entry(
              "issue",
              a ->
                  CertificateRegistry.Calls.issue(
                      bytes(a, 0), bytes(a, 1), number(a, 2), text(a, 3))),
          Map.entry("latest", a -> CertificateRegistry.Calls.latest(bytes(a, 0))),
          Map.entry("revoke", a -> CertificateRegistry.Calls.revoke(bytes(a, 0), text(a, 1))));

  static byte[] bytes(List<Object> a, int i) {
    return (byte[]) a.get(i);
  }

  static String text(List<Object> a, int i) {
    return (String) a.get(i);
  }

  static long number(List<Object> a, int i) {
    return ((BigInteger) a.get(i)).longValueExact();
  }

  // --- the ABI, read here

  static List<JsonNode> entries(String type) {
    List<JsonNode> out = new ArrayList<>();
    ABI.forEach(
        e -> {
          if (type.equals(e.path("type").asText())) {
            out.add(e);
          }
        });
    return out;
  }

  static List<String> types(JsonNode params) {
    List<String> t = new ArrayList<>();
    params.forEach(p -> t.add(p.get("type").asText()));
    return t;
  }

  static String signature(JsonNode e) {
    return e.get("name").asText() + "(" + String.join(",", types(e.get("inputs"))) + ")";
  }

  // --- values of ABI types, made independently of the wrapper

  final Random random = new Random(20261201);

  /** A sample Java value for an ABI type, as the wrapper's methods take it. */
  Object sample(String abiType) {
    return switch (abiType) {
      case "address" -> {
        byte[] b = new byte[20];
        random.nextBytes(b);
        yield "0x" + HexFormat.of().formatHex(b);
      }
      case "bytes32" -> {
        byte[] b = new byte[32];
        random.nextBytes(b);
        yield b;
      }
      // above 2^32, so that a narrowing encoder shows
      case "uint64", "uint256" -> BigInteger.valueOf((1L << 40) + random.nextInt(1 << 30));
      case "uint32" -> BigInteger.valueOf((1L << 31) + random.nextInt(1 << 30));
      case "bool" -> random.nextBoolean();
      case "string" -> "ünïcödé ✓ " + random.nextInt(1_000_000);
      case "bytes32[]" -> List.of(sample("bytes32"), sample("bytes32"), sample("bytes32"));
      default -> throw new AssertionError("the test does not know the ABI type " + abiType);
    };
  }

  /** The web3j value of a sample, built from the ABI type (not from the wrapper). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Type abiValue(String abiType, Object v) {
    return switch (abiType) {
      case "address" -> new Address((String) v);
      case "bytes32" -> new Bytes32((byte[]) v);
      case "uint64" -> new Uint64((BigInteger) v);
      case "uint256" -> new Uint256((BigInteger) v);
      case "uint32" -> new org.web3j.abi.datatypes.generated.Uint32((BigInteger) v);
      case "bool" -> new Bool((Boolean) v);
      case "string" -> new Utf8String((String) v);
      case "bytes32[]" ->
          new DynamicArray(
              Bytes32.class,
              ((List<Object>) v).stream().map(x -> new Bytes32((byte[]) x)).toList());
      default -> throw new AssertionError("the test does not know the ABI type " + abiType);
    };
  }

  /** A decoded value as comparable Java: hex for bytes, lower case for addresses. */
  @SuppressWarnings("unchecked")
  static Object comparable(Object v) {
    if (v instanceof Type<?> t) {
      return comparable(t.getValue());
    }
    if (v instanceof byte[] b) {
      return "0x" + HexFormat.of().formatHex(b);
    }
    if (v instanceof String s) {
      return s.startsWith("0x") ? s.toLowerCase(Locale.ROOT) : s;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(CertificateRegistryTest::comparable).toList();
    }
    if (v instanceof Long n) {
      return BigInteger.valueOf(n);
    }
    return v;
  }

  /** The ABI's name of a web3j type ({@code uint64}, {@code bytes32[]}). */
  @SuppressWarnings("unchecked")
  static String abiName(java.lang.reflect.Type t) {
    if (t instanceof java.lang.reflect.ParameterizedType p
        && p.getRawType() == DynamicArray.class) {
      return abiName(p.getActualTypeArguments()[0]) + "[]";
    }
    if (t instanceof Class<?> c && Type.class.isAssignableFrom(c)) {
      return AbiTypes.getTypeAString((Class<? extends Type>) c);
    }
    throw new AssertionError("not an ABI type: " + t);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<TypeReference<Type>> refs(List<String> abiTypes) throws Exception {
    List<TypeReference<Type>> refs = new ArrayList<>();
    for (String t : abiTypes) {
      refs.add((TypeReference) TypeReference.makeTypeReference(t));
    }
    return refs;
  }

  // --- the check, usable on any encoder so that a drifted one can be shown to fail

  /** What differs between the ABI's function {@code abi} and the wrapper's encoding of it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<String> drift(JsonNode abi, Function encoded, List<Object> args) throws Exception {
    List<String> problems = new ArrayList<>();
    String sig = signature(abi);
    String hex = FunctionEncoder.encode(encoded);
    String selector = Hash.sha3String(sig).substring(2, 10);
    if (!hex.substring(2, 10).equals(selector)) {
      problems.add(sig + ": selector 0x" + hex.substring(2, 10) + ", the ABI's is 0x" + selector);
    }
    List<String> in = types(abi.get("inputs"));
    List<Type> expected = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      expected.add(abiValue(in.get(i), args.get(i)));
    }
    String argsHex = hex.substring(10);
    if (!argsHex.equals(FunctionEncoder.encodeConstructor(expected))) {
      problems.add(sig + ": arguments are not the ABI encoding of " + comparable(args));
    }
    List<Type> decoded = FunctionReturnDecoder.decode("0x" + argsHex, refs(in));
    if (!comparable(decoded).equals(comparable(args))) {
      problems.add(sig + ": arguments decode to " + comparable(decoded) + ", not " + args);
    }
    List<String> out = types(abi.get("outputs"));
    List<String> wrapperOut = new ArrayList<>();
    for (TypeReference<Type> r : encoded.getOutputParameters()) {
      wrapperOut.add(abiName(r.getType()));
    }
    if (!wrapperOut.equals(out)) {
      problems.add(sig + ": answer decoded as " + wrapperOut + ", the ABI returns " + out);
    }
    return problems;
  }

  // --- the tests

  @Test
  void everyFunction_isEncodedByTheWrapperAsTheAbiSays() throws Exception {
    List<String> problems = new ArrayList<>();
    TreeSet<String> abiNames = new TreeSet<>();
    for (JsonNode f : entries("function")) {
      String name = f.get("name").asText();
      abiNames.add(name);
      assertThat(CertificateRegistry.artifact().selectors().get(signature(f)))
          .as("solc's selector of " + signature(f))
          .isEqualTo(Hash.sha3String(signature(f)).substring(2, 10));
      if (!WRAPPER.containsKey(name)) {
        problems.add(signature(f) + ": no encoder in the wrapper");
        continue;
      }
      for (int round = 0; round < 3; round++) {
        List<Object> args = new ArrayList<>();
        for (String t : types(f.get("inputs"))) {
          args.add(sample(t));
        }
        problems.addAll(drift(f, WRAPPER.get(name).apply(args), args));
      }
    }
    assertThat(problems).isEmpty();
    assertThat(new TreeSet<>(WRAPPER.keySet())).isEqualTo(abiNames);
  }

  @Test
  void theWrappersCalls_areExactlyTheAbisFunctions() {
    TreeSet<String> abi = new TreeSet<>();
    entries("function").forEach(f -> abi.add(f.get("name").asText()));
    TreeSet<String> calls = new TreeSet<>();
    for (Method m : CertificateRegistry.Calls.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == Function.class) {
        calls.add(m.getName());
      }
    }
    assertThat(calls).isEqualTo(abi);
  }

  @Test
  void aDriftedEncoder_isCaught() throws Exception {
    JsonNode issue =
        entries("function").stream()
            .filter(f -> f.get("name").asText().equals("issue"))
            .findFirst()
            .orElseThrow();
    List<Object> args = new ArrayList<>();
    for (String t : types(issue.get("inputs"))) {
      args.add(sample(t));
    }
    Bytes32 cluster = new Bytes32(bytes(args, 0));
    Bytes32 cert = new Bytes32(bytes(args, 1));
    Utf8String locator = new Utf8String(text(args, 3));
    // a uint256 where the contract takes a uint64: another selector
    Function wide =
        new Function(
            "issue",
            List.of(cluster, cert, new Uint256((BigInteger) args.get(2)), locator),
            List.of());
    assertThat(drift(issue, wide, args)).anyMatch(p -> p.contains("selector"));
    // the digests swapped: same selector, other arguments
    Function swapped =
        new Function(
            "issue",
            List.of(cert, cluster, new Uint64((BigInteger) args.get(2)), locator),
            List.of());
    assertThat(drift(issue, swapped, args))
        .noneMatch(p -> p.contains("selector"))
        .anyMatch(p -> p.contains("arguments"));
    // an answer decoded with the wrong type
    JsonNode isValid =
        entries("function").stream()
            .filter(f -> f.get("name").asText().equals("isValid"))
            .findFirst()
            .orElseThrow();
    Function wrongAnswer =
        new Function("isValid", List.of(cluster), List.of(new TypeReference<Uint256>() {}));
    assertThat(drift(isValid, wrongAnswer, List.of(bytes(args, 0))))
        .anyMatch(p -> p.contains("answer decoded as [uint256]"));
  }

  @Test
  void theConstructor_isEncodedAsTheAbiSays() {
    JsonNode ctor = entries("constructor").get(0);
    assertThat(types(ctor.get("inputs"))).containsExactly("address");
    String admin = (String) sample("address");
    assertThat(CertificateRegistry.Calls.constructor(admin))
        .isEqualTo(FunctionEncoder.encodeConstructor(List.of(abiValue("address", admin))));
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void answers_decodeWithTheWrappersTypes_intoItsRecords() throws Exception {
    for (JsonNode f : entries("function")) {
      List<String> out = types(f.get("outputs"));
      if (out.isEmpty()) {
        continue;
      }
      List<Object> values = new ArrayList<>();
      List<Type> encoded = new ArrayList<>();
      for (String t : out) {
        Object v = sample(t);
        values.add(v);
        encoded.add(abiValue(t, v));
      }
      List<Object> args = new ArrayList<>();
      for (String t : types(f.get("inputs"))) {
        args.add(sample(t));
      }
      Function call = WRAPPER.get(f.get("name").asText()).apply(args);
      List<Type> decoded =
          FunctionReturnDecoder.decode(
              "0x" + FunctionEncoder.encodeConstructor(encoded), (List) call.getOutputParameters());
      assertThat(comparable(decoded)).as(signature(f)).isEqualTo(comparable(values));
      if (f.get("name").asText().equals("certificateOf")) {
        CertificateRegistry.Record r = CertificateRegistry.record(decoded);
        assertThat(
                comparable(
                    List.of(
                        r.cluster(),
                        r.issuer(),
                        BigInteger.valueOf(r.issuedAt()),
                        BigInteger.valueOf(r.expiresAt()),
                        BigInteger.valueOf(r.revokedAt()),
                        r.locator(),
                        r.revocationReason())))
            .isEqualTo(comparable(values));
      }
      if (out.equals(List.of("bytes32[]"))) {
        assertThat(comparable(CertificateRegistry.digests(decoded.get(0))))
            .isEqualTo(comparable(values.get(0)));
      }
    }
  }

  @Test
  void everyEvent_isDecodedByTheWrapperAsTheAbiSays() throws Exception {
    TreeSet<String> abiNames = new TreeSet<>();
    for (JsonNode e : entries("event")) {
      String name = e.get("name").asText();
      abiNames.add(name);
      CertificateRegistry.EventSpec spec =
          CertificateRegistry.EVENTS.stream()
              .filter(s -> s.name().equals(name))
              .findFirst()
              .orElseThrow(() -> new AssertionError("the wrapper does not decode " + name));
      String topic = Hash.sha3String(signature(e));
      assertThat(spec.topic()).as(signature(e)).isEqualTo(topic);
      List<String> names = new ArrayList<>();
      List<Boolean> indexed = new ArrayList<>();
      e.get("inputs")
          .forEach(
              i -> {
                names.add(i.get("name").asText());
                indexed.add(i.get("indexed").asBoolean());
              });
      assertThat(spec.fieldNames()).as(name + " fields").isEqualTo(names);
      List<Boolean> wrapperIndexed = new ArrayList<>();
      List<String> wrapperTypes = new ArrayList<>();
      for (TypeReference<Type> r : spec.event().getParameters()) {
        wrapperIndexed.add(r.isIndexed());
        wrapperTypes.add(abiName(r.getType()));
      }
      assertThat(wrapperIndexed).as(name + " indexed").isEqualTo(indexed);
      assertThat(wrapperTypes).as(name + " types").isEqualTo(types(e.get("inputs")));

      // a log as the node returns it, encoded from the ABI: topics, then the other fields as data
      List<String> topics = new ArrayList<>(List.of(topic));
      List<Type> data = new ArrayList<>();
      Map<String, Object> expected = new LinkedHashMap<>();
      List<String> inputTypes = types(e.get("inputs"));
      for (int i = 0; i < inputTypes.size(); i++) {
        Object v = sample(inputTypes.get(i));
        expected.put(names.get(i), comparable(v));
        Type t = abiValue(inputTypes.get(i), v);
        if (indexed.get(i)) {
          topics.add("0x" + TypeEncoder.encode(t));
        } else {
          data.add(t);
        }
      }
      CertificateRegistry.Event decoded =
          CertificateRegistry.decodeLog(
              topics, "0x" + FunctionEncoder.encodeConstructor(data), 7, "0xb10c", "0x7a");
      assertThat(decoded.name()).isEqualTo(name);
      assertThat(decoded.blockNumber()).isEqualTo(7);
      assertThat(decoded.transactionHash()).isEqualTo("0x7a");
      Map<String, Object> fields = new LinkedHashMap<>();
      decoded.fields().forEach((k, v) -> fields.put(k, comparable(v)));
      assertThat(fields).as(name).containsExactlyEntriesOf(expected);
    }
    TreeSet<String> wrapperNames = new TreeSet<>();
    CertificateRegistry.EVENTS.forEach(s -> wrapperNames.add(s.name()));
    assertThat(wrapperNames).isEqualTo(abiNames);
    assertThat(
            CertificateRegistry.decodeLog(List.of("0x" + "ab".repeat(32)), "0x", 1, "0x", "0x")
                .name())
        .isEqualTo("unknown 0x" + "ab".repeat(32));
  }

  @Test
  void everyError_isDecodedFromItsRevertData() throws Exception {
    for (JsonNode e : entries("error")) {
      List<Object> args = new ArrayList<>();
      List<Type> encoded = new ArrayList<>();
      List<String> shown = new ArrayList<>();
      for (String t : types(e.get("inputs"))) {
        Object v = sample(t);
        args.add(v);
        encoded.add(abiValue(t, v));
        shown.add(String.valueOf(comparable(v)));
      }
      String data =
          "0x"
              + Hash.sha3String(signature(e)).substring(2, 10)
              + FunctionEncoder.encodeConstructor(encoded);
      assertThat(CertificateRegistry.decodeRevert(data))
          .isEqualTo(e.get("name").asText() + "(" + String.join(", ", shown) + ")");
    }
  }

  @Test
  void artifact_isSolcOutputOfThePinnedCompiler() {
    CertificateRegistry.Artifact art = CertificateRegistry.artifact();
    assertThat(art.bytecode())
        .startsWith("0x6080")
        .hasSizeGreaterThan(art.deployedBytecode().length());
    // the creation code carries the runtime code it deploys
    assertThat(art.bytecode()).contains(art.deployedBytecode().substring(2));
  }

  @Test
  void revertData_isDecodedToTheContractsErrors() {
    // NotIssuer(address): selector then the address, as the node returns it
    String sel = Hash.sha3String("NotIssuer(address)").substring(2, 10);
    String data = "0x" + sel + "000000000000000000000000" + "ab".repeat(20);
    assertThat(CertificateRegistry.decodeRevert(data))
        .isEqualTo("NotIssuer(0x" + "ab".repeat(20) + ")");
    String errorString =
        "0x08c379a0" + FunctionEncoder.encodeConstructor(List.of(new Utf8String("boom")));
    assertThat(CertificateRegistry.decodeRevert(errorString)).isEqualTo("Error(boom)");
    assertThat(CertificateRegistry.decodeRevert("0x")).isEqualTo("reverted without a reason");
    assertThat(CertificateRegistry.decodeRevert("0xdeadbeef")).contains("unknown error 0xdeadbeef");
  }
}
