package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.ethereum.LocalNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Certify and verify on an Ethereum registry on a real local node (anvil): deploy, grant the
 * scanner's released key, record, verify every link, and break each chain link on its own.
 */
class EthereumLedgerIT {
  static Path cairnHome = Path.of("unset");
  @TempDir static Path tmp;
  static LocalNode node;
  static Path adminKey;
  static String ledger;
  static String issuer;
  static Path cert;
  static Path trust;

  static String find(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  static String deploy() {
    CliTest.Run d =
        CliTest.run(
            cairnHome,
            "ledger",
            "deploy",
            "--rpc",
            node.uri().toString(),
            "--chain-id",
            "31337",
            "--admin-key-file",
            adminKey.toString());
    assertThat(d.code()).as(d.out() + d.err()).isZero();
    return find("--ledger (ethereum:\\S+)", d.out());
  }

  static CliTest.Run certify(String snapshot, String output, String onLedger) {
    return CliTest.run(
        cairnHome,
        "certify",
        "--snapshot",
        tmp.resolve(snapshot).toString(),
        "-f",
        "pss-restricted",
        "--ledger",
        onLedger,
        "--output-file",
        tmp.resolve(output).toString());
  }

  @BeforeAll
  static void setUp() throws Exception {
    node = LocalNode.start(LocalNode.Kind.ANVIL);
    cairnHome = tmp.resolve("home");
    Credentials admin = Credentials.create(Keys.createEcKeyPair());
    adminKey = tmp.resolve("admin.key");
    Files.writeString(adminKey, admin.getEcKeyPair().getPrivateKey().toString(16) + "\n");
    // a key file must be the owner's alone, as ssh demands
    Files.setPosixFilePermissions(
        adminKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    node.fund(admin.getAddress(), BigInteger.TEN.pow(20));
    ledger = deploy();
    Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-eth", "good"));

    // before the scanner's key may issue, certify says what to do
    CliTest.Run early = certify("good.json", "early.cert.json", ledger);
    assertThat(early.code()).isEqualTo(2);
    assertThat(early.err()).contains("has no ether on chain 31337");
    issuer = find("ledger key (0x[0-9a-f]{40})", early.err());
    node.fund(issuer, BigInteger.TEN.pow(20));
    CliTest.Run notYet = certify("good.json", "early.cert.json", ledger);
    assertThat(notYet.code()).isEqualTo(2);
    assertThat(notYet.err())
        .contains("is not an issuer on the registry")
        .contains("cairn ledger grant-issuer --ledger " + ledger + " --issuer " + issuer);
    assertThat(tmp.resolve("early.cert.json")).doesNotExist();

    CliTest.Run grant =
        CliTest.run(
            cairnHome,
            "ledger",
            "grant-issuer",
            "--ledger",
            ledger,
            "--admin-key-file",
            adminKey.toString());
    assertThat(grant.code()).as(grant.out() + grant.err()).isZero();
    assertThat(grant.out()).contains("Granted issuer " + issuer);

    CliTest.Run c = certify("good.json", "good.cert.json", ledger);
    assertThat(c.code()).as(c.out() + c.err()).isZero();
    assertThat(c.out()).contains("recorded on " + ledger + " (chain 31337, transaction 0x");
    cert = tmp.resolve("good.cert.json");
    // later certifications pin their own registries in trust.json: keep this one's anchors
    trust = Files.copy(tmp.resolve("home/trust.json"), tmp.resolve("trust-main.json"));
  }

  @AfterAll
  static void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  private static CliTest.Run verify(Path c, String... extra) {
    return verifyWith(trust, c, extra);
  }

  private static CliTest.Run verifyWith(Path anchors, Path c, String... extra) {
    String[] args = new String[5 + extra.length];
    args[0] = "verify";
    args[1] = c.toString();
    args[2] = "--trust";
    args[3] = anchors.toString();
    args[4] = "--allow-snapshot";
    System.arraycopy(extra, 0, args, 5, extra.length);
    return CliTest.run(cairnHome, args);
  }

  private static Path edited(String name, String from, String to) throws Exception {
    String json = Files.readString(cert);
    assertThat(json).contains(from);
    Path p = tmp.resolve(name);
    Files.writeString(p, json.replace(from, to));
    return p;
  }

  /**
   * A team's attestation service with a ledger key: certify checks that key's issuer role and ether
   * before scanning (it used to read a field the service never sent, and skipped both) and pins the
   * chain in the trust root.
   */
  @Test
  void teamService_withALedgerKey_isCheckedBeforeTheScan_andPinned() throws Exception {
    Path home = tmp.resolve("team-home");
    dev.cairn.certify.Certifier certifier =
        dev.cairn.certify.Certifier.create(
            dev.cairn.core.CairnHome.of(home), java.time.Clock.systemUTC());
    dev.cairn.attest.AttestationService team =
        dev.cairn.attest.AttestationService.open(
            tmp.resolve("team-cas"),
            List.of(certifier.tee().platformKey()),
            java.time.Clock.systemUTC());
    team.install(
        dev.cairn.attest.Policies.parse(
            "team.yaml",
            "name: cairn-certify\nversion: 1\nservices:\n  - name: scanner\n    measurements: ["
                + certifier.measurement()
                + "]\n    command: [cairn-certify-workload, --signing-key,"
                + " \"$$CAIRN::certificate-key$$\", --ledger-key, \"$$CAIRN::ledger-key$$\"]\n"
                + "secrets:\n  - {name: certificate-key, kind: ed25519, services: [scanner]}\n"
                + "  - {name: ledger-key, kind: secp256k1, services: [scanner]}\n",
            null));
    String teamIssuer =
        dev.cairn.ethereum.EthereumRegistries.addressOfPublicKey(
            team.publicKeyBytes("cairn-certify", "ledger-key"));
    try (dev.cairn.attest.AttestationHttp http =
        dev.cairn.attest.AttestationHttp.serve(team, "127.0.0.1", 0)) {
      String[] args = {
        "certify",
        "--snapshot",
        tmp.resolve("good.json").toString(),
        "--framework",
        "pss-restricted",
        "--attest",
        http.uri().toString(),
        "--ledger",
        ledger,
        "--output-file",
        tmp.resolve("team.cert.json").toString()
      };
      CliTest.Run unfunded = CliTest.run(home, args);
      assertThat(unfunded.code()).isEqualTo(2);
      assertThat(unfunded.err())
          .contains("the scanner's ledger key " + teamIssuer + " has no ether on chain 31337");
      node.fund(teamIssuer, BigInteger.TEN.pow(20));
      CliTest.Run ungranted = CliTest.run(home, args);
      assertThat(ungranted.code()).isEqualTo(2);
      assertThat(ungranted.err())
          .contains("cairn ledger grant-issuer --ledger " + ledger + " --issuer " + teamIssuer);
      assertThat(
              CliTest.run(
                      cairnHome,
                      "ledger",
                      "grant-issuer",
                      "--ledger",
                      ledger,
                      "--issuer",
                      teamIssuer,
                      "--admin-key-file",
                      adminKey.toString())
                  .code())
          .isZero();
      CliTest.Run c = CliTest.run(home, args);
      assertThat(c.code()).as(c.out() + c.err()).isZero();
      assertThat(c.out()).contains("recorded on " + ledger);
    }
    List<dev.cairn.ledger.TrustRoot.LedgerPin> pins =
        dev.cairn.ledger.TrustRoot.parse(Files.readString(home.resolve("trust.json")))
            .current(dev.cairn.ledger.TrustRoot.LedgerPin.class);
    assertThat(pins).singleElement().satisfies(p -> assertThat(p.issuer()).isEqualTo(teamIssuer));
    CliTest.Run v =
        CliTest.run(home, "verify", tmp.resolve("team.cert.json").toString(), "--allow-snapshot");
    assertThat(v.code()).as(v.out()).isZero();
    assertThat(v.out()).contains("ledger record, ledger issuer");
  }

  @Test
  void verify_checksTheChainRecordAndItsIssuer() throws Exception {
    CliTest.Run v = verify(cert);
    assertThat(v.code()).as(v.out()).isZero();
    assertThat(v.out())
        .contains(
            "links checked: signature, signing key, statement, attestation, ledger record,"
                + " ledger issuer, expiry, revocation, source")
        .contains("recorded on " + ledger);
    List<dev.cairn.ledger.TrustRoot.LedgerPin> pins =
        dev.cairn.ledger.TrustRoot.parse(Files.readString(tmp.resolve("home/trust.json")))
            .current(dev.cairn.ledger.TrustRoot.LedgerPin.class);
    assertThat(pins).extracting(dev.cairn.ledger.TrustRoot.LedgerPin::issuer).contains(issuer);

    CliTest.Run h =
        CliTest.run(
            cairnHome, "ledger", "history", cert.toString(), "--ledger", ledger, "-o", "json");
    assertThat(h.code()).as(h.err()).isZero();
    assertThat((List<?>) Json.parseObject(h.out()).get("certificates")).hasSize(1);
  }

  @Test
  void offline_orUnreachable_failsTheLedgerRecordLink() throws Exception {
    CliTest.Run offline = verify(cert, "--ledger", "none");
    assertThat(offline.code()).isEqualTo(1);
    assertThat(offline.out())
        .startsWith("NOT VERIFIED: ledger record: the certificate is recorded on");
    String address = ledger.substring(ledger.indexOf('#') + 1);
    CliTest.Run dead = verify(cert, "--ledger", "ethereum:http://127.0.0.1:9#" + address);
    assertThat(dead.code()).isEqualTo(1);
    assertThat(dead.out())
        .startsWith(
            "NOT VERIFIED: ledger record: cannot reach the Ethereum RPC endpoint at http://127.0.0.1:9");
    CliTest.Run eoa = verify(cert, "--ledger", "ethereum:" + node.uri() + "#" + issuer);
    assertThat(eoa.out()).startsWith("NOT VERIFIED: ledger record: no contract at " + issuer);
  }

  @Test
  void forgedReceipts_areCaught() throws Exception {
    CliTest.Run chain = verify(edited("chain.cert.json", "\"chainId\" : 31337", "\"chainId\" : 1"));
    assertThat(chain.out())
        .startsWith(
            "NOT VERIFIED: ledger record: the endpoint serves chain 31337; the certificate was"
                + " recorded on chain 1");
    // a receipt that names another registry, and a verifier pointed at one
    String other = deploy();
    String address = ledger.substring(ledger.indexOf('#') + 1);
    String otherAddress = other.substring(other.indexOf('#') + 1);
    Path moved = edited("moved.cert.json", address, otherAddress);
    assertThat(verify(moved).out())
        .startsWith(
            "NOT VERIFIED: ledger record: the certificate was recorded by registry "
                + otherAddress);
    assertThat(verify(cert, "--ledger", other).out())
        .startsWith("NOT VERIFIED: ledger record: the trust anchors pin registry " + address);
    // a chain named only by the certificate is never read: an attacker could run that node
    Path elsewhere = edited("elsewhere.cert.json", node.uri().toString(), "http://127.0.0.1:9");
    assertThat(verify(elsewhere).code()).isZero();
    dev.cairn.ledger.TrustRoot anchors = dev.cairn.ledger.TrustRoot.parse(Files.readString(trust));
    for (dev.cairn.ledger.TrustRoot.LedgerPin p :
        anchors.items(dev.cairn.ledger.TrustRoot.LedgerPin.class)) {
      anchors = anchors.retire(p, java.time.Instant.EPOCH);
    }
    Path unpinned = tmp.resolve("unpinned-trust.json");
    Files.writeString(unpinned, anchors.toJson());
    assertThat(verifyWith(unpinned, cert, "--ledger", ledger).out())
        .startsWith("NOT VERIFIED: ledger record: the trust anchors pin no Ethereum registry");
  }

  @Test
  void aForeignIssuerInTheTrustAnchors_breaksTheIssuerLink() throws Exception {
    Path foreign = tmp.resolve("foreign-trust.json");
    Files.writeString(foreign, Files.readString(trust).replace(issuer, "0x" + "12".repeat(20)));
    CliTest.Run v = verifyWith(foreign, cert);
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .startsWith("NOT VERIFIED: ledger issuer: recorded by " + issuer)
        .contains("not by the key the attestation service releases to the measured scanner");
  }

  @Test
  void revocationAndIssuerRemoval_onChain_areEachNamed() throws Exception {
    Files.writeString(tmp.resolve("second.json"), CertificationIT.snapshot("uid-eth-2", "good"));
    CliTest.Run c = certify("second.json", "second.cert.json", ledger);
    assertThat(c.code()).as(c.out() + c.err()).isZero();
    Path second = tmp.resolve("second.cert.json");
    CliTest.Run before = verify(second);
    assertThat(before.code()).as(before.out() + before.err()).isZero();
    CliTest.Run r =
        CliTest.run(
            cairnHome,
            "ledger",
            "revoke",
            second.toString(),
            "--reason",
            "decommissioned",
            "--ledger",
            ledger,
            "--admin-key-file",
            adminKey.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(verify(second).out())
        .startsWith("NOT VERIFIED: revocation: revoked on chain at")
        .contains("decommissioned");

    // an issuer that lost its role no longer vouches for what it recorded, on its own registry
    String own = deploy();
    assertThat(
            CliTest.run(
                    cairnHome,
                    "ledger",
                    "grant-issuer",
                    "--ledger",
                    own,
                    "--admin-key-file",
                    adminKey.toString())
                .code())
        .isZero();
    Files.writeString(tmp.resolve("third.json"), CertificationIT.snapshot("uid-eth-3", "good"));
    assertThat(certify("third.json", "third.cert.json", own).code()).isZero();
    Path third = tmp.resolve("third.cert.json");
    Path ownTrust = Files.copy(tmp.resolve("home/trust.json"), tmp.resolve("trust-own.json"));
    assertThat(verifyWith(ownTrust, third).code()).isZero();
    CliTest.Run removed =
        CliTest.run(
            cairnHome,
            "ledger",
            "grant-issuer",
            "--ledger",
            own,
            "--remove",
            "--admin-key-file",
            adminKey.toString());
    assertThat(removed.code()).as(removed.err()).isZero();
    assertThat(verifyWith(ownTrust, third).out())
        .startsWith("NOT VERIFIED: ledger issuer: issuer " + issuer)
        .contains("no longer holds the issuer role");
  }

  @Test
  void deploy_refusesTheWrongChain_andAMissingKey() {
    CliTest.Run wrong =
        CliTest.run(
            cairnHome,
            "ledger",
            "deploy",
            "--rpc",
            node.uri().toString(),
            "--chain-id",
            "1",
            "--admin-key-file",
            adminKey.toString());
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(wrong.err())
        .contains("serves chain 31337, not chain 1")
        .contains("nothing was deployed");
    CliTest.Run noKey =
        CliTest.run(
            cairnHome, "ledger", "deploy", "--rpc", node.uri().toString(), "--chain-id", "31337");
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.err()).contains("no Ethereum admin key");
  }
}
