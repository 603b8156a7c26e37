package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ethereum.LocalNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * An RPC endpoint whose URL carries an API key, given as {@code env:VAR} through the real launcher:
 * deploy, grant, certify and verify work, and the key reaches no output, certificate, trust file or
 * log.
 */
class EthereumEndpointSecretIT {
  static final String API_KEY = "sk-test-5f1c0ffee";

  @TempDir Path tmp;

  private Launcher.Run cairn(Map<String, String> env, String... args) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("CAIRN_ETH_RPC", ""); // unset unless given: an empty value reads as unset
    return Launcher.run(tmp, all, args);
  }

  static String find(String regex, String text) {
    return EthereumLedgerIT.find(regex, text);
  }

  @Test
  void anEndpointFromTheEnvironment_neverLandsInFilesOrMessages() throws Exception {
    try (LocalNode node = LocalNode.start(LocalNode.Kind.ANVIL)) {
      Credentials admin = Credentials.create(Keys.createEcKeyPair());
      node.fund(admin.getAddress(), BigInteger.TEN.pow(20));
      Map<String, String> env = new HashMap<>();
      env.put("CAIRN_ETH_RPC", node.uri() + "/?apikey=" + API_KEY);
      env.put(
          "CAIRN_ETH_ADMIN_KEY",
          Numeric.toHexStringNoPrefixZeroPadded(admin.getEcKeyPair().getPrivateKey(), 64));
      List<Launcher.Run> runs = new ArrayList<>();

      Launcher.Run d =
          cairn(env, "ledger", "deploy", "--rpc", "env:CAIRN_ETH_RPC", "--chain-id", "31337");
      assertThat(d.code()).as(d.out() + d.err()).isZero();
      String ledger = find("--ledger (ethereum:env:CAIRN_ETH_RPC#0x[0-9a-f]{40})", d.out());
      runs.add(d);
      Launcher.Run g = cairn(env, "ledger", "grant-issuer", "--ledger", ledger);
      assertThat(g.code()).as(g.out() + g.err()).isZero();
      node.fund(find("Granted issuer (0x[0-9a-f]{40})", g.out()), BigInteger.TEN.pow(20));
      runs.add(g);

      Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-env", "good"));
      Launcher.Run c =
          cairn(
              env,
              "certify",
              "--snapshot",
              "good.json",
              "-f",
              "pss-restricted",
              "--ledger",
              ledger,
              "--output-file",
              "good.cert.json");
      assertThat(c.code()).as(c.out() + c.err()).isZero();
      runs.add(c);
      Launcher.Run v = cairn(env, "verify", "good.cert.json", "--allow-snapshot");
      assertThat(v.code()).as(v.out() + v.err()).isZero();
      assertThat(v.out()).contains("ledger record, ledger issuer");
      runs.add(v);

      Map<String, String> unset = new HashMap<>(env);
      unset.remove("CAIRN_ETH_RPC");
      Launcher.Run missing = cairn(unset, "verify", "good.cert.json", "--allow-snapshot");
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.out())
          .startsWith(
              "NOT VERIFIED: ledger record: the environment variable CAIRN_ETH_RPC (the Ethereum RPC"
                  + " endpoint) is not set");
      runs.add(missing);

      for (Launcher.Run r : runs) {
        assertThat(r.out() + r.err()).doesNotContain(API_KEY);
      }
      try (Stream<Path> all = Files.walk(tmp)) {
        for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
              .as(f.toString())
              .doesNotContain(API_KEY);
        }
      }
      assertThat(Files.readString(tmp.resolve("home/trust.json")))
          .contains("\"registry\" : \"" + ledger + "\"");
    }
  }
}
