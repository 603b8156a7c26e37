package dev.cairn.ethereum.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.ethereum.LocalNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * Version 2 of the contract on a real local node (anvil): the same access control, issue, revoke,
 * validity, expiry and errors as version 1, records keyed by (cluster, certificate), the history as
 * a back-linked list, digests only on chain. Gas is deterministic, so its ceilings are asserted
 * here (RegistryGasIT compares both versions).
 */
class CertificateRegistryV2IT {
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
    String address =
        CertificateRegistry.deploy(tx(admin), admin.getAddress(), CertificateRegistry.Version.V2)
            .contractAddress();
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

  static String hex(byte[] b) {
    return Numeric.toHexString(b);
  }

  @Test
  void theCode_saysTheVersion() throws Exception {
    assertThat(asStranger.version()).isEqualTo(CertificateRegistry.Version.V2);
    assertThat(CertificateRegistry.checkCode(rpc, asAdmin.address()))
        .isEqualTo(CertificateRegistry.Version.V2);
    // a version 1 call on a version 2 registry is refused before anything is sent
    assertThatThrownBy(() -> asIssuer.revoke(d("x"), "r"))
        .hasMessageContaining("is a call of CertificateRegistry V1");
  }

  @Test
  void onlyTheAdminManagesIssuers_withReadableErrors() throws Exception {
    assertThat(asAdmin.admin()).isEqualToIgnoringCase(admin.getAddress());
    assertThat(asAdmin.isIssuer(issuer.getAddress())).isTrue();
    assertThatThrownBy(() -> asStranger.grantIssuer(stranger.getAddress()))
        .isInstanceOf(dev.cairn.ledger.LedgerException.class)
        .hasMessageContaining("NotAdmin(" + stranger.getAddress().toLowerCase(Locale.ROOT));
    assertThatThrownBy(() -> asAdmin.grantIssuer("0x0000000000000000000000000000000000000000"))
        .hasMessageContaining("ZeroAddress()");
  }

  @Test
  void issue_isForIssuersOnly_oncePerCluster_inTheFuture_andBefore2106() throws Exception {
    byte[] cluster = d("cluster-a");
    byte[] cert = d("cert-a1");
    assertThatThrownBy(() -> asStranger.issue(cluster, cert, inOneDay(), ""))
        .hasMessageContaining("NotIssuer(" + stranger.getAddress().toLowerCase(Locale.ROOT));
    long expires = inOneDay();
    Transactor.Mined m = asIssuer.issue(cluster, cert, expires, "ignored.cert.json");
    assertThat(m.gasUsed()).isLessThanOrEqualTo(BigInteger.valueOf(90_000));
    assertThatThrownBy(() -> asIssuer.issue(cluster, cert, inOneDay(), ""))
        .hasMessageContaining("AlreadyIssued(" + hex(cert));
    assertThatThrownBy(() -> asIssuer.issue(cluster, d("cert-old"), 1_000, ""))
        .hasMessageContaining("ExpiryNotInFuture(1000, ");
    assertThatThrownBy(() -> asIssuer.issue(cluster, d("cert-far"), 1L << 32, ""))
        .hasMessageContaining("ExpiryTooLate(" + (1L << 32) + ")");
    assertThatThrownBy(() -> asIssuer.issue(new byte[32], d("cert-zero"), inOneDay(), ""))
        .hasMessageContaining("ZeroDigest()");
    assertThatThrownBy(() -> asIssuer.issue(cluster, new byte[32], inOneDay(), ""))
        .hasMessageContaining("ZeroDigest()");

    CertificateRegistry.Record r = asStranger.certificateOf(cluster, cert);
    assertThat(r.exists()).isTrue();
    assertThat(r.cluster()).isEqualTo(cluster);
    assertThat(r.issuer()).isEqualToIgnoringCase(issuer.getAddress());
    assertThat(r.expiresAt()).isEqualTo(expires);
    assertThat(r.issuedAt()).isPositive().isLessThan(expires);
    assertThat(r.locator()).isEmpty();
    assertThat(r.revokedAt()).isZero();
    assertThat(asStranger.isValid(cluster, cert)).isTrue();
    // the record is the pair's: the same certificate under another cluster is no record
    assertThat(asStranger.certificateOf(d("cluster-other"), cert).exists()).isFalse();
    assertThat(asStranger.isValid(d("cluster-other"), cert)).isFalse();
    assertThat(asStranger.certificateOf(cluster, d("never")).exists()).isFalse();
  }

  @Test
  void expiry_endsValidity() throws Exception {
    byte[] cluster = d("cluster-e");
    byte[] cert = d("cert-e");
    long now =
        JsonRpc.quantity(rpc.call("eth_getBlockByNumber", "latest", false).get("timestamp"))
            .longValueExact();
    asIssuer.issue(cluster, cert, now + 60, "");
    assertThat(asStranger.isValid(cluster, cert)).isTrue();
    // the chain's clock moves on past the expiry (anvil mines a block at that time)
    rpc.call("evm_increaseTime", 120);
    rpc.call("evm_mine");
    assertThat(asStranger.isValid(cluster, cert)).isFalse();
    assertThat(asStranger.certificateOf(cluster, cert).exists()).isTrue();
  }

  @Test
  void historyAndLatest_followIssueOrder_inPagesFromTheNewest() throws Exception {
    byte[] cluster = d("cluster-h");
    assertThat(asStranger.latest(cluster)).isNull();
    assertThat(asStranger.history(cluster)).isEmpty();
    assertThat(asStranger.historyInPages(cluster, 2)).isEmpty();
    asIssuer.issue(cluster, d("h1"), inOneDay(), "");
    asIssuer.issue(cluster, d("h2"), inOneDay(), "");
    asIssuer.issue(cluster, d("h3"), inOneDay(), "");
    asIssuer.issue(d("cluster-h-other"), d("h-other"), inOneDay(), "");
    assertThat(asStranger.history(cluster)).containsExactly(d("h1"), d("h2"), d("h3"));
    assertThat(asStranger.latest(cluster)).isEqualTo(d("h3"));
    assertThat(asStranger.previous(cluster, d("h3"))).isEqualTo(d("h2"));
    assertThat(asStranger.previous(cluster, d("h1"))).isNull();
    assertThat(asStranger.historyBefore(cluster, new byte[32], 2))
        .containsExactly(d("h3"), d("h2"));
    assertThat(asStranger.historyBefore(cluster, d("h2"), 2)).containsExactly(d("h1"));
    assertThat(asStranger.historyBefore(cluster, d("h1"), 2)).isEmpty();
    assertThat(asStranger.historyBefore(cluster, new byte[32], Long.MAX_VALUE)).hasSize(3);
    for (long page = 1; page <= 4; page++) {
      assertThat(asStranger.historyInPages(cluster, page))
          .as("pages of " + page)
          .containsExactly(d("h1"), d("h2"), d("h3"));
    }
  }

  @Test
  void revoke_byTheIssuerOrAdmin_once_andOnlyTheEventSaysWhy() throws Exception {
    long from = JsonRpc.quantity(rpc.call("eth_blockNumber")).longValue();
    byte[] cluster = d("cluster-r");
    byte[] cert = d("cert-r");
    asIssuer.issue(cluster, cert, inOneDay(), "");
    assertThatThrownBy(() -> asStranger.revoke(cluster, cert, "no"))
        .hasMessageContaining(
            "NotAllowedToRevoke(" + stranger.getAddress().toLowerCase(Locale.ROOT));
    assertThatThrownBy(() -> asIssuer.revoke(cluster, d("unknown"), "x"))
        .hasMessageContaining("UnknownCertificate(");
    // the right certificate, the wrong cluster: no record
    assertThatThrownBy(() -> asIssuer.revoke(d("cluster-x"), cert, "x"))
        .hasMessageContaining("UnknownCertificate(" + hex(cert));
    Transactor.Mined m = asIssuer.revoke(cluster, cert, "cluster decommissioned");
    assertThat(m.gasUsed()).isLessThanOrEqualTo(BigInteger.valueOf(45_000));
    assertThatThrownBy(() -> asAdmin.revoke(cluster, cert, "again"))
        .hasMessageContaining("AlreadyRevoked(");
    CertificateRegistry.Record r = asStranger.certificateOf(cluster, cert);
    assertThat(r.revokedAt()).isPositive();
    assertThat(r.revocationReason()).isEmpty();
    assertThat(asStranger.isValid(cluster, cert)).isFalse();
    assertThat(asStranger.revokeEvent(cluster, cert))
        .hasValueSatisfying(
            e ->
                assertThat(e.fields())
                    .containsEntry("cluster", hex(cluster))
                    .containsEntry("certificate", hex(cert))
                    .containsEntry("revokedBy", issuer.getAddress().toLowerCase(Locale.ROOT))
                    .containsEntry("reason", "cluster decommissioned"));

    List<CertificateRegistry.Event> ev = asStranger.events(from);
    assertThat(ev)
        .anySatisfy(
            e -> {
              assertThat(e.name()).isEqualTo("CertificateIssued");
              assertThat(e.fields())
                  .containsOnlyKeys("cluster", "certificate", "issuer")
                  .containsEntry("certificate", hex(cert))
                  .containsEntry("cluster", hex(cluster))
                  .containsEntry("issuer", issuer.getAddress().toLowerCase(Locale.ROOT));
            });
  }

  @Test
  void revokingAnIssuer_invalidatesWhatItIssued_andARemovedIssuerCannotRevoke() throws Exception {
    Credentials other = funded();
    asAdmin.grantIssuer(other.getAddress());
    CertificateRegistry asOther = CertificateRegistry.at(rpc, asAdmin.address(), tx(other));
    byte[] cluster = d("cluster-o");
    byte[] cert = d("cert-other");
    asOther.issue(cluster, cert, inOneDay(), "");
    assertThat(asStranger.isValid(cluster, cert)).isTrue();
    asAdmin.revokeIssuer(other.getAddress());
    assertThat(asStranger.isValid(cluster, cert)).isFalse();
    assertThatThrownBy(() -> asOther.issue(cluster, d("cert-other-2"), inOneDay(), ""))
        .hasMessageContaining("NotIssuer(");
    assertThatThrownBy(() -> asOther.revoke(cluster, cert, "mischief"))
        .hasMessageContaining("NotAllowedToRevoke(" + other.getAddress().toLowerCase(Locale.ROOT));
    asAdmin.revoke(cluster, cert, "issuer key leaked");
  }

  @Test
  void adminHandOverTakesTwoSteps() throws Exception {
    Credentials next = funded();
    CertificateRegistry asNext = CertificateRegistry.at(rpc, asAdmin.address(), tx(next));
    asAdmin.transferAdmin(next.getAddress());
    assertThat(asStranger.admin()).isEqualToIgnoringCase(admin.getAddress());
    assertThat(asStranger.pendingAdmin()).isEqualToIgnoringCase(next.getAddress());
    assertThatThrownBy(() -> asStranger.acceptAdmin()).hasMessageContaining("NotPendingAdmin(");
    asNext.acceptAdmin();
    assertThat(asStranger.admin()).isEqualToIgnoringCase(next.getAddress());
    asNext.transferAdmin(admin.getAddress());
    asAdmin.acceptAdmin();
    assertThat(asStranger.admin()).isEqualToIgnoringCase(admin.getAddress());
  }

  /**
   * Nothing the contract stores or logs for a certificate is text: the transaction's input and
   * every log of an issue and a revocation hold the digests, the issuer and the times, and the
   * locator passed to the wrapper never reaches the chain.
   */
  @Test
  void onChain_onlyDigests_noLocator() throws Exception {
    byte[] cluster = d("cluster-private");
    byte[] cert = d("cert-private");
    String locator = "prod-eu-west.example.com.cert.json";
    Transactor.Mined m = asIssuer.issue(cluster, cert, inOneDay(), locator);
    com.fasterxml.jackson.databind.JsonNode tx = rpc.call("eth_getTransactionByHash", m.hash());
    com.fasterxml.jackson.databind.JsonNode receipt =
        rpc.call("eth_getTransactionReceipt", m.hash());
    String needle = HexFormat.of().formatHex("example".getBytes(StandardCharsets.UTF_8));
    assertThat(tx.get("input").asText()).doesNotContain(needle);
    assertThat(receipt.toString()).doesNotContain(needle);
    // selector + three words: cluster, certificate, expiry
    assertThat(tx.get("input").asText()).hasSize(2 + 8 + 3 * 64);
    assertThat(receipt.get("logs")).hasSize(1);
    assertThat(receipt.get("logs").get(0).get("data").asText()).isEqualTo("0x");
  }
}
