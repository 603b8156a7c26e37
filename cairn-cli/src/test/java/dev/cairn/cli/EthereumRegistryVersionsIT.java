package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ethereum.LocalNode;
import dev.cairn.ledger.TrustRoot;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Both contract versions on one real local node (anvil): certify on a version 1 registry, deploy
 * version 2, certify on it; the trust root pins each registry with its version, and both
 * certificates verify, each against its own registry.
 */
class EthereumRegistryVersionsIT {
  @TempDir static Path tmp;
  static Path home = Path.of("unset");
  static LocalNode node;
  static Path adminKey;
  static String v1;
  static String v2;
  static Path cert1;
  static Path cert2;

  static CliTest.Run cli(String... args) {
    return CliTest.run(home, args);
  }

  static String deploy(String version) {
    CliTest.Run d =
        cli(
            "ledger",
            "deploy",
            "--rpc",
            node.uri().toString(),
            "--chain-id",
            "31337",
            "--contract-version",
            version,
            "--admin-key-file",
            adminKey.toString());
    assertThat(d.code()).as(d.out() + d.err()).isZero();
    assertThat(d.out()).contains("(contract version " + version + ")");
    return EthereumLedgerIT.find("--ledger (ethereum:\\S+)", d.out());
  }

  static void grant(String ledger) {
    CliTest.Run g =
        cli("ledger", "grant-issuer", "--ledger", ledger, "--admin-key-file", adminKey.toString());
    assertThat(g.code()).as(g.out() + g.err()).isZero();
  }

  static CliTest.Run certify(String snapshot, Path output, String ledger) {
    return cli(
        "certify",
        "--snapshot",
        tmp.resolve(snapshot).toString(),
        "-f",
        "pss-restricted",
        "--ledger",
        ledger,
        "--output-file",
        output.toString());
  }

  @BeforeAll
  static void setUp() throws Exception {
    node = LocalNode.start(LocalNode.Kind.ANVIL);
    home = tmp.resolve("home");
    Credentials admin = Credentials.create(Keys.createEcKeyPair());
    adminKey = tmp.resolve("admin.key");
    Files.writeString(adminKey, admin.getEcKeyPair().getPrivateKey().toString(16) + "\n");
    Files.setPosixFilePermissions(
        adminKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    node.fund(admin.getAddress(), BigInteger.TEN.pow(20));
    Files.writeString(tmp.resolve("one.json"), CertificationIT.snapshot("uid-v1", "good"));
    Files.writeString(tmp.resolve("two.json"), CertificationIT.snapshot("uid-v2", "good"));

    // an existing deployment: a version 1 registry, certified on
    v1 = deploy("1");
    CliTest.Run unfunded = certify("one.json", tmp.resolve("unused.cert.json"), v1);
    assertThat(unfunded.code()).isEqualTo(2);
    String issuer = EthereumLedgerIT.find("ledger key (0x[0-9a-f]{40})", unfunded.err());
    node.fund(issuer, BigInteger.TEN.pow(20));
    grant(v1);
    cert1 = tmp.resolve("one.cert.json");
    CliTest.Run c1 = certify("one.json", cert1, v1);
    assertThat(c1.code()).as(c1.out() + c1.err()).isZero();

    // the upgrade: version 2 deployed, granted, certified on
    v2 = deploy("2");
    grant(v2);
    cert2 = tmp.resolve("two.cert.json");
    CliTest.Run c2 = certify("two.json", cert2, v2);
    assertThat(c2.code()).as(c2.out() + c2.err()).isZero();
    assertThat(c2.out()).contains("recorded on " + v2);
  }

  @AfterAll
  static void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  static String address(String ledger) {
    return ledger.substring(ledger.indexOf('#') + 1);
  }

  @Test
  void theTrustRoot_pinsEachRegistryWithItsVersion() throws Exception {
    String json = Files.readString(home.resolve("trust.json"));
    List<TrustRoot.LedgerPin> pins = TrustRoot.parse(json).current(TrustRoot.LedgerPin.class);
    assertThat(pins)
        .extracting(TrustRoot.LedgerPin::address, TrustRoot.LedgerPin::contractVersion)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(address(v1), 1),
            org.assertj.core.groups.Tuple.tuple(address(v2), 2));
    // a version 1 pin is written as before (no field), so older trust files read and write alike
    assertThat(json).containsOnlyOnce("\"contractVersion\" : 2");
  }

  @Test
  void bothCertificates_verify_eachOnItsOwnRegistry() {
    for (Path c : List.of(cert1, cert2)) {
      CliTest.Run v = cli("verify", c.toString(), "--allow-snapshot");
      assertThat(v.code()).as(c + ": " + v.out() + v.err()).isZero();
      assertThat(v.out()).contains("ledger record, ledger issuer");
    }
    assertThat(cli("verify", cert1.toString(), "--allow-snapshot").out()).contains(v1);
    assertThat(cli("verify", cert2.toString(), "--allow-snapshot").out()).contains(v2);
  }

  @Test
  void history_worksOnVersion2() throws Exception {
    CliTest.Run h = cli("ledger", "history", cert2.toString(), "--ledger", v2, "-o", "json");
    assertThat(h.code()).as(h.err()).isZero();
    assertThat((List<?>) dev.cairn.core.Json.parseObject(h.out()).get("certificates")).hasSize(1);
  }

  @Test
  void aPinOfTheWrongVersion_failsTheLedgerRecordLink() throws Exception {
    String json = Files.readString(home.resolve("trust.json"));
    Path wrong = tmp.resolve("wrong-version-trust.json");
    Files.writeString(wrong, json.replace("\"contractVersion\" : 2", "\"contractVersion\" : 1"));
    CliTest.Run v =
        cli("verify", cert2.toString(), "--trust", wrong.toString(), "--allow-snapshot");
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .startsWith("NOT VERIFIED: ledger record: the trust anchors pin registry " + address(v2))
        .contains("as contract version 1, but its code is version 2");
  }
}
