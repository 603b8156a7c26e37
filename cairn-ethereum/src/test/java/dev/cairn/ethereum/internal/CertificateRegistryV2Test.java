package dev.cairn.ethereum.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;

/**
 * The wrapper of version 2 against its committed ABI, with {@link CertificateRegistryTest}'s
 * checks: selectors, argument bytes, answer types, events and errors, all computed from the ABI.
 */
class CertificateRegistryV2Test {
  static final JsonNode ABI = CertificateRegistry.artifact(CertificateRegistry.Version.V2).abi();

  static final Map<String, java.util.function.Function<List<Object>, Function>> WRAPPER =
      Map.ofEntries(
          Map.entry("acceptAdmin", a -> CertificateRegistry.CallsV2.acceptAdmin()),
          Map.entry("admin", a -> CertificateRegistry.CallsV2.admin()),
          Map.entry("pendingAdmin", a -> CertificateRegistry.CallsV2.pendingAdmin()),
          Map.entry(
              "certificateOf",
              a -> CertificateRegistry.CallsV2.certificateOf(bytes(a, 0), bytes(a, 1))),
          Map.entry("grantIssuer", a -> CertificateRegistry.CallsV2.grantIssuer(text(a, 0))),
          Map.entry("revokeIssuer", a -> CertificateRegistry.CallsV2.revokeIssuer(text(a, 0))),
          Map.entry("transferAdmin", a -> CertificateRegistry.CallsV2.transferAdmin(text(a, 0))),
          Map.entry("history", a -> CertificateRegistry.CallsV2.history(bytes(a, 0))),
          Map.entry(
              "historyPage",
              a ->
                  CertificateRegistry.CallsV2.historyPage(
                      bytes(a, 0), bytes(a, 1), CertificateRegistryTest.number(a, 2))),
          Map.entry("isIssuer", a -> CertificateRegistry.CallsV2.isIssuer(text(a, 0))),
          Map.entry("isValid", a -> CertificateRegistry.CallsV2.isValid(bytes(a, 0), bytes(a, 1))),
          Map.entry(
              "issue",
              a ->
                  CertificateRegistry.CallsV2.issue(
                      bytes(a, 0), bytes(a, 1), CertificateRegistryTest.number(a, 2))),
          Map.entry("latest", a -> CertificateRegistry.CallsV2.latest(bytes(a, 0))),
          Map.entry(
              "previous", a -> CertificateRegistry.CallsV2.previous(bytes(a, 0), bytes(a, 1))),
          Map.entry(
              "revoke",
              a -> CertificateRegistry.CallsV2.revoke(bytes(a, 0), bytes(a, 1), text(a, 2))));

  static byte[] bytes(List<Object> a, int i) {
    return CertificateRegistryTest.bytes(a, i);
  }

  static String text(List<Object> a, int i) {
    return CertificateRegistryTest.text(a, i);
  }

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

  final CertificateRegistryTest samples = new CertificateRegistryTest();

  List<Object> args(JsonNode f) {
    List<Object> args = new ArrayList<>();
    for (String t : CertificateRegistryTest.types(f.get("inputs"))) {
      args.add(samples.sample(t));
    }
    return args;
  }

  @Test
  void everyFunction_isEncodedByTheWrapperAsTheAbiSays() throws Exception {
    List<String> problems = new ArrayList<>();
    TreeSet<String> abiNames = new TreeSet<>();
    for (JsonNode f : entries("function")) {
      String name = f.get("name").asText();
      abiNames.add(name);
      String sig = CertificateRegistryTest.signature(f);
      assertThat(CertificateRegistry.artifact(CertificateRegistry.Version.V2).selectors().get(sig))
          .as("solc's selector of " + sig)
          .isEqualTo(Hash.sha3String(sig).substring(2, 10));
      if (!WRAPPER.containsKey(name)) {
        problems.add(sig + ": no encoder in the wrapper");
        continue;
      }
      for (int round = 0; round < 3; round++) {
        List<Object> args = args(f);
        problems.addAll(CertificateRegistryTest.drift(f, WRAPPER.get(name).apply(args), args));
      }
    }
    assertThat(problems).isEmpty();
    assertThat(new TreeSet<>(WRAPPER.keySet())).isEqualTo(abiNames);
    TreeSet<String> calls = new TreeSet<>();
    for (Method m : CertificateRegistry.CallsV2.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == Function.class) {
        calls.add(m.getName());
      }
    }
    assertThat(calls).isEqualTo(abiNames);
  }

  @Test
  void theAbi_takesNoText_butTheRevocationReason() {
    // digests only: no string goes on chain in an issue, nor in any event but the reason
    for (JsonNode f : entries("function")) {
      if (f.get("stateMutability").asText().equals("view")) {
        continue;
      }
      List<String> in = CertificateRegistryTest.types(f.get("inputs"));
      if (f.get("name").asText().equals("revoke")) {
        assertThat(in).containsExactly("bytes32", "bytes32", "string");
      } else {
        assertThat(in).as(f.get("name").asText()).doesNotContain("string", "bytes");
      }
    }
    for (JsonNode e : entries("event")) {
      List<String> in = CertificateRegistryTest.types(e.get("inputs"));
      if (!e.get("name").asText().equals("CertificateRevoked")) {
        assertThat(in).as(e.get("name").asText()).doesNotContain("string", "bytes");
      }
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void answers_decodeWithTheWrappersTypes_intoItsRecords() throws Exception {
    for (JsonNode f : entries("function")) {
      List<String> out = CertificateRegistryTest.types(f.get("outputs"));
      if (out.isEmpty()) {
        continue;
      }
      List<Object> values = new ArrayList<>();
      List<Type> encoded = new ArrayList<>();
      for (String t : out) {
        Object v = samples.sample(t);
        values.add(v);
        encoded.add(CertificateRegistryTest.abiValue(t, v));
      }
      Function call = WRAPPER.get(f.get("name").asText()).apply(args(f));
      List<Type> decoded =
          FunctionReturnDecoder.decode(
              "0x" + FunctionEncoder.encodeConstructor(encoded), (List) call.getOutputParameters());
      assertThat(CertificateRegistryTest.comparable(decoded))
          .as(CertificateRegistryTest.signature(f))
          .isEqualTo(CertificateRegistryTest.comparable(values));
      if (f.get("name").asText().equals("certificateOf")) {
        byte[] cluster = (byte[]) samples.sample("bytes32");
        CertificateRegistry.Record r = CertificateRegistry.recordV2(cluster, decoded);
        assertThat(r.cluster()).isEqualTo(cluster);
        assertThat(
                CertificateRegistryTest.comparable(
                    List.of(
                        r.issuer(),
                        BigInteger.valueOf(r.issuedAt()),
                        BigInteger.valueOf(r.expiresAt()),
                        BigInteger.valueOf(r.revokedAt()))))
            .isEqualTo(CertificateRegistryTest.comparable(values));
        assertThat(r.locator()).isEmpty();
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
          CertificateRegistry.EVENTS_V2.stream()
              .filter(s -> s.name().equals(name))
              .findFirst()
              .orElseThrow(() -> new AssertionError("the wrapper does not decode " + name));
      String topic = Hash.sha3String(CertificateRegistryTest.signature(e));
      assertThat(spec.topic()).as(CertificateRegistryTest.signature(e)).isEqualTo(topic);
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
      for (TypeReference<Type> r : spec.event().getParameters()) {
        wrapperIndexed.add(r.isIndexed());
      }
      assertThat(wrapperIndexed).as(name + " indexed").isEqualTo(indexed);

      List<String> topics = new ArrayList<>(List.of(topic));
      List<Type> data = new ArrayList<>();
      Map<String, Object> expected = new LinkedHashMap<>();
      List<String> inputTypes = CertificateRegistryTest.types(e.get("inputs"));
      for (int i = 0; i < inputTypes.size(); i++) {
        Object v = samples.sample(inputTypes.get(i));
        expected.put(names.get(i), CertificateRegistryTest.comparable(v));
        Type t = CertificateRegistryTest.abiValue(inputTypes.get(i), v);
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
      Map<String, Object> fields = new LinkedHashMap<>();
      decoded.fields().forEach((k, v) -> fields.put(k, CertificateRegistryTest.comparable(v)));
      assertThat(fields).as(name).containsExactlyEntriesOf(expected);
    }
    TreeSet<String> wrapperNames = new TreeSet<>();
    CertificateRegistry.EVENTS_V2.forEach(s -> wrapperNames.add(s.name()));
    assertThat(wrapperNames).isEqualTo(abiNames);
  }

  @Test
  void everyError_isDecodedFromItsRevertData() throws Exception {
    for (JsonNode e : entries("error")) {
      List<Type> encoded = new ArrayList<>();
      List<String> shown = new ArrayList<>();
      for (String t : CertificateRegistryTest.types(e.get("inputs"))) {
        Object v = samples.sample(t);
        encoded.add(CertificateRegistryTest.abiValue(t, v));
        shown.add(String.valueOf(CertificateRegistryTest.comparable(v)));
      }
      String data =
          "0x"
              + Hash.sha3String(CertificateRegistryTest.signature(e)).substring(2, 10)
              + FunctionEncoder.encodeConstructor(encoded);
      assertThat(CertificateRegistry.decodeRevert(data))
          .isEqualTo(e.get("name").asText() + "(" + String.join(", ", shown) + ")");
    }
  }

  @Test
  void bothArtifacts_areDistinct_andVersion1IsUnchanged() {
    CertificateRegistry.Artifact v1 = CertificateRegistry.artifact();
    CertificateRegistry.Artifact v2 = CertificateRegistry.artifact(CertificateRegistry.Version.V2);
    assertThat(v2.deployedBytecode()).isNotEqualTo(v1.deployedBytecode());
    assertThat(v2.bytecode()).startsWith("0x6080").contains(v2.deployedBytecode().substring(2));
    // version 1's runtime code as deployed registries hold it (ADR 0017: kept byte for byte)
    assertThat(
            org.web3j.utils.Numeric.toHexString(
                Hash.sha3(org.web3j.utils.Numeric.hexStringToByteArray(v1.deployedBytecode()))))
        .isEqualTo("0x0a2b6ec3bf8518eac394e865c26b6e1c513bf9d01fff88fd3f767c785e91612b");
    assertThat(CertificateRegistry.Version.of(1)).isEqualTo(CertificateRegistry.Version.V1);
    assertThat(CertificateRegistry.Version.of(2)).isEqualTo(CertificateRegistry.Version.V2);
    assertThat(CertificateRegistry.Version.of(3)).isNull();
  }
}
