package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ethereum.LocalNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/** The main path once on ganache, the seed's local Ethereum simulator: deploy, certify, verify. */
class EthereumGanacheIT {
  static Path cairnHome = Path.of("unset");
  @TempDir static Path tmp;
  static LocalNode node;

  @BeforeAll
  static void start() throws Exception {
    node = LocalNode.start(LocalNode.Kind.GANACHE);
    cairnHome = tmp.resolve("home");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void deployCertifyVerifyRevoke_onGanache() throws Exception {
    Credentials admin = Credentials.create(Keys.createEcKeyPair());
    Path key = tmp.resolve("admin.key");
    Files.writeString(
        key, Numeric.toHexStringNoPrefixZeroPadded(admin.getEcKeyPair().getPrivateKey(), 64));
    // a key file must be the owner's alone, as ssh demands
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    node.fund(admin.getAddress(), BigInteger.TEN.pow(20));
    CliTest.Run d =
        CliTest.run(
            cairnHome,
            "ledger",
            "deploy",
            "--rpc",
            node.uri().toString(),
            "--chain-id",
            "1337",
            "--admin-key-file",
            key.toString());
    assertThat(d.code()).as(d.out() + d.err()).isZero();
    String ledger = EthereumLedgerIT.find("--ledger (ethereum:\\S+)", d.out());
    CliTest.Run g =
        CliTest.run(
            cairnHome,
            "ledger",
            "grant-issuer",
            "--ledger",
            ledger,
            "--admin-key-file",
            key.toString());
    assertThat(g.code()).as(g.out() + g.err()).isZero();
    node.fund(
        EthereumLedgerIT.find("Granted issuer (0x[0-9a-f]{40})", g.out()), BigInteger.TEN.pow(20));

    Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-ganache", "good"));
    Path cert = tmp.resolve("good.cert.json");
    CliTest.Run c =
        CliTest.run(
            cairnHome,
            "certify",
            "--snapshot",
            tmp.resolve("good.json").toString(),
            "-f",
            "pss-restricted",
            "--ledger",
            ledger,
            "--output-file",
            cert.toString());
    assertThat(c.code()).as(c.out() + c.err()).isZero();
    assertThat(c.out()).contains("(chain 1337, transaction 0x");
    CliTest.Run v = CliTest.run(cairnHome, "verify", cert.toString(), "--allow-snapshot");
    assertThat(v.code()).as(v.out()).isZero();
    assertThat(v.out()).contains("ledger record, ledger issuer");
    assertThat(
            CliTest.run(
                    cairnHome,
                    "ledger",
                    "revoke",
                    cert.toString(),
                    "--reason",
                    "ganache test",
                    "--admin-key-file",
                    key.toString())
                .code())
        .isZero();
    assertThat(CliTest.run(cairnHome, "verify", cert.toString(), "--allow-snapshot").out())
        .startsWith("NOT VERIFIED: revocation: revoked on chain");
  }
}
