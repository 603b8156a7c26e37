package dev.cairn.ethereum.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import dev.cairn.ethereum.LocalNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * The gas of both contract versions, from the receipts of a real local node (anvil): deploy, a
 * cluster's first certificate, a later one, a revocation. Gas is deterministic (the same calls on
 * the same code cost the same), so the ceilings of version 2 are asserted; the table is written to
 * {@code target/registry-gas.md} (docs/ledger.md and ADR 0017 quote it).
 */
class RegistryGasIT {
  static final BigInteger ISSUE_CEILING = BigInteger.valueOf(90_000);

  static LocalNode node;
  static JsonRpc rpc;
  static Credentials admin;
  static Credentials issuer;

  @BeforeAll
  static void start() throws Exception {
    node = LocalNode.start(LocalNode.Kind.ANVIL);
    rpc = new JsonRpc(node.uri());
    admin = Credentials.create(Keys.createEcKeyPair());
    issuer = Credentials.create(Keys.createEcKeyPair());
    node.fund(admin.getAddress(), BigInteger.TEN.pow(20));
    node.fund(issuer.getAddress(), BigInteger.TEN.pow(20));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static Transactor tx(Credentials c) {
    return new Transactor(
        rpc, c, node.chainId(), Transactor.Options.defaults(), CertificateRegistry::decodeRevert);
  }

  /** Gas of deploy, first issue, later issue, revoke on a fresh registry of {@code v}. */
  static Map<String, BigInteger> measure(CertificateRegistry.Version v) throws Exception {
    Map<String, BigInteger> gas = new LinkedHashMap<>();
    Transactor.Mined d = CertificateRegistry.deploy(tx(admin), admin.getAddress(), v);
    gas.put("deploy", d.gasUsed());
    CertificateRegistry asAdmin = CertificateRegistry.at(rpc, d.contractAddress(), tx(admin));
    CertificateRegistry asIssuer = CertificateRegistry.at(rpc, d.contractAddress(), tx(issuer));
    asAdmin.grantIssuer(issuer.getAddress());
    byte[] cluster = Digest.sha256("gas-cluster").bytes();
    long expires = System.currentTimeMillis() / 1000 + 30 * 86_400;
    // the locator certify writes (the certificate file's name); version 2 drops it
    String locator = "cluster.cert.json";
    gas.put(
        "issue, first of a cluster",
        asIssuer.issue(cluster, Digest.sha256("c1").bytes(), expires, locator).gasUsed());
    gas.put(
        "issue, later",
        asIssuer.issue(cluster, Digest.sha256("c2").bytes(), expires, locator).gasUsed());
    // calldata costs 16 gas a non-zero byte and 4 a zero byte, so digests vary a later issue by a
    // few gas; a third one is within the ceiling too
    gas.put(
        "issue, later (another)",
        asIssuer.issue(cluster, Digest.sha256("c3").bytes(), expires, locator).gasUsed());
    gas.put(
        "revoke",
        asIssuer.revoke(cluster, Digest.sha256("c1").bytes(), "cluster decommissioned").gasUsed());
    return gas;
  }

  @Test
  void version2_issuesWithin90000Gas_firstAndLater() throws Exception {
    Map<String, BigInteger> v1 = measure(CertificateRegistry.Version.V1);
    Map<String, BigInteger> v2 = measure(CertificateRegistry.Version.V2);

    StringBuilder table = new StringBuilder("| gas | V1 | V2 |\n|---|---|---|\n");
    v1.forEach(
        (k, g) ->
            table.append(String.format(Locale.ROOT, "| %s | %,d | %,d |%n", k, g, v2.get(k))));
    Path out = Path.of("target", "registry-gas.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table.toString());
    System.out.print(table);

    assertThat(v2.get("issue, later")).isLessThanOrEqualTo(ISSUE_CEILING);
    assertThat(v2.get("issue, later (another)")).isLessThanOrEqualTo(ISSUE_CEILING);
    assertThat(v2.get("issue, first of a cluster")).isLessThanOrEqualTo(ISSUE_CEILING);
    v2.forEach((k, g) -> assertThat(g).as(k + ": V2 below V1").isLessThan(v1.get(k)));
  }
}
