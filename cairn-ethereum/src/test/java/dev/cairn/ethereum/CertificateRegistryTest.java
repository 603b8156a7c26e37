package dev.cairn.ethereum;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;

/** The Java wrapper against the committed ABI: same functions, same selectors, no drift. */
class CertificateRegistryTest {
  @Test
  void wrapperFunctions_matchTheCompiledAbiExactly() {
    Address a = new Address("0x0000000000000000000000000000000000000001");
    Bytes32 b = new Bytes32(new byte[32]);
    Map<String, Function> wrapper = new TreeMap<>();
    for (Function f :
        List.of(
            new Function("acceptAdmin", List.of(), List.of()),
            new Function("admin", List.of(), List.of()),
            new Function("pendingAdmin", List.of(), List.of()),
            new Function("certificateCount", List.of(), List.of()),
            new Function("certificateOf", List.of(b), List.of()),
            new Function("grantIssuer", List.of(a), List.of()),
            new Function("history", List.of(b), List.of()),
            new Function("historyLength", List.of(b), List.of()),
            new Function(
                "historyPage",
                List.of(
                    b,
                    new org.web3j.abi.datatypes.generated.Uint256(0),
                    new org.web3j.abi.datatypes.generated.Uint256(0)),
                List.of()),
            new Function("isIssuer", List.of(a), List.of()),
            new Function("isValid", List.of(b), List.of()),
            new Function(
                "issue", List.of(b, b, new Uint64(BigInteger.ONE), new Utf8String("")), List.of()),
            new Function("latest", List.of(b), List.of()),
            new Function("revoke", List.of(b, new Utf8String("")), List.of()),
            new Function("revokeIssuer", List.of(a), List.of()),
            new Function("transferAdmin", List.of(a), List.of()))) {
      wrapper.put(f.getName(), f);
    }
    Map<String, String> abi = CertificateRegistry.artifact().selectors();
    assertThat(abi).hasSameSizeAs(wrapper);
    for (Map.Entry<String, String> e : abi.entrySet()) {
      String name = e.getKey().substring(0, e.getKey().indexOf('('));
      assertThat(wrapper).containsKey(name);
      assertThat(FunctionEncoder.encode(wrapper.get(name)).substring(2, 10))
          .as(e.getKey())
          .isEqualTo(e.getValue());
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
    String sel = org.web3j.crypto.Hash.sha3String("NotIssuer(address)").substring(2, 10);
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
