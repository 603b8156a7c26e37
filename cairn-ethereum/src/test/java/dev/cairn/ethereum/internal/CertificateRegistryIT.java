package dev.cairn.ethereum.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.ethereum.LocalNode;
import dev.cairn.ledger.LedgerException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/** The contract on a real local node (anvil): access control, issue, revoke, views, events. */
class CertificateRegistryIT {
  static LocalNode node;
  static JsonRpc rpc;
  static Credentials admin;
  static Credentials issuer;
  static Credentials stranger;
  static CertificateRegistry asAdmin;
  static CertificateRegistry asIssuer;
  static CertificateRegistry asStranger;

  static Credentials funded() throws Exception {
    Credentials c = Credentials.create(Keys.createEcKeyPair());
    node.fund(c.getAddress(), BigInteger.TEN.pow(20));
    return c;
  }

  static Transactor tx(Credentials c) {
    return new Transactor(
        rpc, c, node.chainId(), Transactor.Options.defaults(), CertificateRegistry::decodeRevert);
  }

  @BeforeAll
  static void deploy() throws Exception {
    node = LocalNode.start(LocalNode.Kind.ANVIL);
    rpc = new JsonRpc(node.uri());
    admin = funded();
    issuer = funded();
    stranger = funded();
    String address = CertificateRegistry.deploy(tx(admin), admin.getAddress()).contractAddress();
    asAdmin = CertificateRegistry.at(rpc, address, tx(admin));
    asIssuer = CertificateRegistry.at(rpc, address, tx(issuer));
    asStranger = CertificateRegistry.at(rpc, address, tx(stranger));
    asAdmin.grantIssuer(issuer.getAddress());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static byte[] d(String s) {
    return Digest.sha256(s).bytes();
  }

  static long inOneDay() {
    return System.currentTimeMillis() / 1000 + 86_400;
  }

  @Test
  void onlyTheAdminManagesIssuers_withReadableErrors() throws Exception {
    assertThat(asAdmin.admin()).isEqualToIgnoringCase(admin.getAddress());
    assertThat(asAdmin.isIssuer(issuer.getAddress())).isTrue();
    assertThatThrownBy(() -> asStranger.grantIssuer(stranger.getAddress()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("NotAdmin(" + stranger.getAddress().toLowerCase());
    assertThatThrownBy(() -> asAdmin.grantIssuer("0x0000000000000000000000000000000000000000"))
        .hasMessageContaining("ZeroAddress()");
  }

  @Test
  void issue_isForIssuersOnly_once_andInTheFuture() throws Exception {
    byte[] cluster = d("cluster-a");
    byte[] cert = d("cert-a1");
    assertThatThrownBy(() -> asStranger.issue(cluster, cert, inOneDay(), "a1"))
        .hasMessageContaining("NotIssuer(" + stranger.getAddress().toLowerCase());
    Transactor.Mined m = asIssuer.issue(cluster, cert, inOneDay(), "a1.cert.json");
    assertThat(m.gasUsed()).isPositive();
    assertThatThrownBy(() -> asIssuer.issue(cluster, cert, inOneDay(), "again"))
        .hasMessageContaining("AlreadyIssued(0x" + java.util.HexFormat.of().formatHex(cert));
    assertThatThrownBy(() -> asIssuer.issue(cluster, d("cert-old"), 1_000, "old"))
        .hasMessageContaining("ExpiryNotInFuture(1000, ");
    assertThatThrownBy(() -> asIssuer.issue(new byte[32], d("cert-zero"), inOneDay(), "z"))
        .hasMessageContaining("ZeroDigest()");

    CertificateRegistry.Record r = asStranger.certificateOf(cert);
    assertThat(r.exists()).isTrue();
    assertThat(r.cluster()).isEqualTo(cluster);
    assertThat(r.issuer()).isEqualToIgnoringCase(issuer.getAddress());
    assertThat(r.locator()).isEqualTo("a1.cert.json");
    assertThat(r.revokedAt()).isZero();
    assertThat(asStranger.isValid(cert)).isTrue();
    assertThat(asStranger.certificateOf(d("never")).exists()).isFalse();
    assertThat(asStranger.isValid(d("never"))).isFalse();
  }

  @Test
  void historyAndLatest_followIssueOrder() throws Exception {
    byte[] cluster = d("cluster-h");
    assertThat(asStranger.latest(cluster)).isNull();
    assertThat(asStranger.history(cluster)).isEmpty();
    asIssuer.issue(cluster, d("h1"), inOneDay(), "h1");
    asIssuer.issue(cluster, d("h2"), inOneDay(), "h2");
    asIssuer.issue(cluster, d("h3"), inOneDay(), "h3");
    assertThat(asStranger.history(cluster)).containsExactly(d("h1"), d("h2"), d("h3"));
    assertThat(asStranger.latest(cluster)).isEqualTo(d("h3"));
    assertThat(asStranger.historyLength(cluster)).isEqualTo(3);
    assertThat(asStranger.historyPage(cluster, 0, 2)).containsExactly(d("h1"), d("h2"));
    assertThat(asStranger.historyPage(cluster, 2, 2)).containsExactly(d("h3"));
    assertThat(asStranger.historyPage(cluster, 3, 2)).isEmpty();
    assertThat(asStranger.historyPage(cluster, 1, Long.MAX_VALUE))
        .containsExactly(d("h2"), d("h3"));
  }

  @Test
  void revoke_byTheIssuerOrAdmin_once_andEventsSayWhy() throws Exception {
    long from = JsonRpc.quantity(rpc.call("eth_blockNumber")).longValue();
    byte[] cluster = d("cluster-r");
    byte[] cert = d("cert-r");
    asIssuer.issue(cluster, cert, inOneDay(), "r.cert.json");
    assertThatThrownBy(() -> asStranger.revoke(cert, "no"))
        .hasMessageContaining("NotAllowedToRevoke(" + stranger.getAddress().toLowerCase());
    assertThatThrownBy(() -> asIssuer.revoke(d("unknown"), "x"))
        .hasMessageContaining("UnknownCertificate(");
    asIssuer.revoke(cert, "cluster decommissioned");
    assertThatThrownBy(() -> asAdmin.revoke(cert, "again")).hasMessageContaining("AlreadyRevoked(");
    CertificateRegistry.Record r = asStranger.certificateOf(cert);
    assertThat(r.revokedAt()).isPositive();
    assertThat(r.revocationReason()).isEqualTo("cluster decommissioned");
    assertThat(asStranger.isValid(cert)).isFalse();

    List<CertificateRegistry.Event> ev = asStranger.events(from);
    assertThat(ev)
        .anySatisfy(
            e -> {
              assertThat(e.name()).isEqualTo("CertificateIssued");
              assertThat(e.fields())
                  .containsEntry("certificate", org.web3j.utils.Numeric.toHexString(cert))
                  .containsEntry("cluster", org.web3j.utils.Numeric.toHexString(cluster))
                  .containsEntry("issuer", issuer.getAddress().toLowerCase())
                  .containsEntry("locator", "r.cert.json");
            })
        .anySatisfy(
            e -> {
              assertThat(e.name()).isEqualTo("CertificateRevoked");
              assertThat(e.fields())
                  .containsAllEntriesOf(
                      Map.of(
                          "certificate",
                          org.web3j.utils.Numeric.toHexString(cert),
                          "reason",
                          "cluster decommissioned"));
            });
  }

  @Test
  void revokingAnIssuer_invalidatesWhatItIssued() throws Exception {
    Credentials other = funded();
    asAdmin.grantIssuer(other.getAddress());
    CertificateRegistry asOther = CertificateRegistry.at(rpc, asAdmin.address(), tx(other));
    byte[] cert = d("cert-other");
    asOther.issue(d("cluster-o"), cert, inOneDay(), "o");
    assertThat(asStranger.isValid(cert)).isTrue();
    asAdmin.revokeIssuer(other.getAddress());
    assertThat(asStranger.isValid(cert)).isFalse();
    assertThatThrownBy(() -> asOther.issue(d("cluster-o"), d("cert-other-2"), inOneDay(), "o2"))
        .hasMessageContaining("NotIssuer(");
  }

  @Test
  void aRemovedIssuer_canNoLongerRevoke_andAdminHandOverTakesTwoSteps() throws Exception {
    Credentials leaked = funded();
    asAdmin.grantIssuer(leaked.getAddress());
    CertificateRegistry asLeaked = CertificateRegistry.at(rpc, asAdmin.address(), tx(leaked));
    byte[] cert = d("cert-leaked");
    asLeaked.issue(d("cluster-l"), cert, inOneDay(), "l");
    asAdmin.revokeIssuer(leaked.getAddress());
    assertThatThrownBy(() -> asLeaked.revoke(cert, "mischief"))
        .hasMessageContaining("NotAllowedToRevoke(" + leaked.getAddress().toLowerCase());
    asAdmin.revoke(cert, "issuer key leaked");

    Credentials next = funded();
    CertificateRegistry asNext = CertificateRegistry.at(rpc, asAdmin.address(), tx(next));
    asAdmin.transferAdmin(next.getAddress());
    assertThat(asStranger.admin()).isEqualToIgnoringCase(admin.getAddress());
    assertThat(asStranger.pendingAdmin()).isEqualToIgnoringCase(next.getAddress());
    assertThatThrownBy(() -> asStranger.acceptAdmin()).hasMessageContaining("NotPendingAdmin(");
    asNext.acceptAdmin();
    assertThat(asStranger.admin()).isEqualToIgnoringCase(next.getAddress());
    // and back, so that the other tests keep their admin
    asNext.transferAdmin(admin.getAddress());
    asAdmin.acceptAdmin();
    assertThat(asStranger.admin()).isEqualToIgnoringCase(admin.getAddress());
  }

  @Test
  void theContractRefusesEther() throws Exception {
    // anvil's own unlocked account sends value to it: there is no receive or payable function
    String from = rpc.call("eth_accounts").get(0).asText();
    String hash =
        rpc.call(
                "eth_sendTransaction",
                Map.of("from", from, "to", asAdmin.address(), "value", "0x1", "gas", "0x30000"))
            .asText();
    // anvil mines it at once, but may answer the receipt a moment later
    com.fasterxml.jackson.databind.JsonNode receipt =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .pollInterval(java.time.Duration.ofMillis(20))
            .until(() -> rpc.call("eth_getTransactionReceipt", hash), r -> !r.isNull());
    assertThat(receipt.get("status").asText()).isEqualTo("0x0");
    assertThat(rpc.call("eth_getBalance", asAdmin.address(), "latest").asText()).isEqualTo("0x0");
  }

  @Test
  void wrongAddresses_andEndpoints_sayWhatIsWrong() throws Exception {
    assertThatThrownBy(() -> CertificateRegistry.at(rpc, stranger.getAddress(), null))
        .hasMessageStartingWith("no contract at " + stranger.getAddress());
    assertThatThrownBy(() -> CertificateRegistry.at(rpc, "0x1234", null))
        .hasMessageStartingWith("not a contract address: 0x1234");
    // another contract: a second registry's code is the same, so deploy plain bytes instead
    Transactor.Mined m = tx(admin).send(null, "0x600a600c600039600a6000f3602a60005260206000f3");
    assertThatThrownBy(() -> CertificateRegistry.at(rpc, m.contractAddress(), null))
        .hasMessageContaining("is not Cairn's CertificateRegistry");
    JsonRpc dead =
        new JsonRpc(
            java.net.URI.create("http://127.0.0.1:9"),
            2,
            java.time.Duration.ofMillis(10),
            java.time.Duration.ofSeconds(1));
    assertThatThrownBy(() -> dead.call("eth_chainId"))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("cannot reach the Ethereum RPC endpoint at http://127.0.0.1:9")
        .hasMessageContaining("connection refused");
  }
}
