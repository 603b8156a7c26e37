package dev.cairn.ethereum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.ethereum.internal.EthKeys;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.RegistryView;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger SPI on a version 2 registry (what {@link EthereumRegistries#deploy} deploys now) and
 * on a version 1 registry on the same node: the version is read from the code, every lookup that
 * verify and history need answers on both, and version 2 keeps no locator.
 */
class EthereumLedgerV2IT {
  static final BigInteger ETHER = BigInteger.TEN.pow(18);
  static LocalNode node;
  static Secret admin;
  static Secret issuer;
  static EthereumRegistries.Deployment v2;
  static EthereumRegistries.Deployment v1;

  @TempDir static Path home;

  @BeforeAll
  static void deploy() throws Exception {
    node = LocalNode.start(LocalNode.Kind.ANVIL);
    admin = EthereumRegistries.generateKey();
    node.fund(EthereumRegistries.addressOf(admin), ETHER.multiply(BigInteger.valueOf(100)));
    issuer = EthereumRegistries.generateKey();
    node.fund(EthereumRegistries.addressOf(issuer), ETHER);
    v2 = EthereumRegistries.deploy(node.uri().toString(), node.chainId(), admin, 1);
    v1 = EthereumRegistries.deploy(node.uri().toString(), node.chainId(), admin, 1, 1);
    for (EthereumRegistries.Deployment d : new EthereumRegistries.Deployment[] {v1, v2}) {
      EthereumRegistries.grantIssuer(
          d.ledger(), admin, EthereumRegistries.addressOf(issuer), false);
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static LedgerOptions signing(Secret key) {
    return LedgerOptions.writing(CairnHome.of(home)).withSigner(key).withExpectedChainId(31337L);
  }

  static LedgerEntry.Issued entry(String cluster, String cert) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return new LedgerEntry.Issued(
        Digest.sha256(cluster),
        Digest.sha256(cert),
        now,
        now.plus(30, ChronoUnit.DAYS),
        cert + ".cert.json",
        new byte[0]);
  }

  @Test
  void deploy_makesVersion2_byDefault_andVersion1OnRequest() {
    assertThat(v2.contractVersion()).isEqualTo(2);
    assertThat(v1.contractVersion()).isEqualTo(1);
    assertThatThrownBy(
            () -> EthereumRegistries.deploy(node.uri().toString(), node.chainId(), admin, 1, 3))
        .isInstanceOf(LedgerException.class)
        .hasMessage("there is no registry contract version 3");
  }

  @Test
  void theLedger_readsItsVersionFromTheCode() throws Exception {
    for (EthereumRegistries.Deployment d : new EthereumRegistries.Deployment[] {v1, v2}) {
      try (Ledger l = Ledgers.open(d.ledger(), LedgerOptions.reading(CairnHome.of(home)))) {
        assertThat(((RegistryView) l).contractVersion()).isEqualTo(d.contractVersion());
      }
    }
  }

  @Test
  void version2_issuesReadsHistoryAndRevokes_throughLedgersOpen() throws Exception {
    URI ledger = v2.ledger();
    LedgerEntry.Issued first = entry("cluster-v2", "cert-v2-1");
    LedgerEntry.Issued second = entry("cluster-v2", "cert-v2-2");
    LedgerEntry.Issued elsewhere = entry("cluster-v2-b", "cert-v2-b");
    String issuerAddress = EthereumRegistries.addressOf(issuer);
    ChainReceipt r1;
    try (Ledger l = Ledgers.open(ledger, signing(issuer))) {
      assertThat(l.checkIssuer(EthKeys.publicKey(issuer))).isEqualTo(issuerAddress);
      r1 = (ChainReceipt) l.issue(first);
      assertThat(r1.contract()).isEqualTo(v2.registry());
      assertThat(r1.issuer()).isEqualTo(issuerAddress);
      // the same certificate again: the first receipt (from the event), no second record
      assertThat(l.issue(first)).isEqualTo(r1);
      l.issue(second);
      l.issue(elsewhere);

      assertThat(l.history(first.cluster()))
          .extracting(LedgerEntry.Issued::certificate, LedgerEntry.Issued::locator)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(first.certificate(), ""),
              org.assertj.core.groups.Tuple.tuple(second.certificate(), ""));
      assertThat(l.latest(first.cluster()).orElseThrow().certificate())
          .isEqualTo(second.certificate());
      // by certificate alone: the cluster comes from the issue event, checked against the record
      LedgerEntry.Issued found = l.find(first.certificate()).orElseThrow();
      assertThat(found.cluster()).isEqualTo(first.cluster());
      assertThat(found.expiresAt()).isEqualTo(first.expiresAt());
      assertThat(found.issuedAt()).isBeforeOrEqualTo(Instant.now());
      assertThat(l.find(Digest.sha256("never"))).isEmpty();
      assertThat(l.history(Digest.sha256("no-such-cluster"))).isEmpty();
      assertThat(l.latest(Digest.sha256("no-such-cluster"))).isEmpty();
      // by cluster and certificate: what verify asks, no event needed
      RegistryView view = (RegistryView) l;
      assertThat(view.record(first.cluster(), first.certificate()))
          .hasValueSatisfying(
              r -> {
                assertThat(r.cluster()).isEqualTo(first.cluster());
                assertThat(r.issuer()).isEqualTo(issuerAddress);
                assertThat(r.expiresAt()).isEqualTo(first.expiresAt());
                assertThat(r.revokedAt()).isNull();
                assertThat(r.locator()).isEmpty();
              });
      assertThat(view.record(elsewhere.cluster(), first.certificate())).isEmpty();
      assertThat(l.revocation(first.certificate())).isEmpty();
    }

    try (Ledger asAdmin = Ledgers.open(ledger, signing(admin))) {
      ChainReceipt r =
          (ChainReceipt)
              asAdmin.revoke(
                  new LedgerEntry.Revoked(first.certificate(), "decommissioned", Instant.now()));
      assertThat(r.issuer()).isEqualTo(v2.admin());
      assertThatThrownBy(
              () ->
                  asAdmin.revoke(
                      new LedgerEntry.Revoked(Digest.sha256("never"), "x", Instant.now())))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("is not on the registry");
    }

    try (Ledger reading = Ledgers.open(ledger, LedgerOptions.reading(CairnHome.of(home)))) {
      LedgerEntry.Revoked rev = reading.revocation(first.certificate()).orElseThrow();
      assertThat(rev.reason()).isEqualTo("decommissioned");
      RegistryView.OnChain onChain =
          ((RegistryView) reading).record(first.cluster(), first.certificate()).orElseThrow();
      assertThat(onChain.revokedAt()).isNotNull();
      assertThat(onChain.revocationReason()).isEqualTo("decommissioned");
      assertThat(reading.revocation(second.certificate())).isEmpty();
    }
  }

  @Test
  void checkIssuer_onVersion2_namesItsGas() throws Exception {
    Secret unfunded = EthereumRegistries.generateKey();
    EthereumRegistries.grantIssuer(
        v2.ledger(), admin, EthereumRegistries.addressOf(unfunded), false);
    try (Ledger l = Ledgers.open(v2.ledger(), LedgerOptions.reading(CairnHome.of(home)))) {
      assertThatThrownBy(() -> l.checkIssuer(EthKeys.publicKey(unfunded)))
          .isInstanceOfSatisfying(
              IssuerException.class,
              e ->
                  assertThat(e.hint())
                      .hasValue("send it some: each certificate costs about 80,000 gas"));
    }
  }

  @Test
  void version1_stillAnswersEveryLookup_beside() throws Exception {
    LedgerEntry.Issued e = entry("cluster-v1", "cert-v1");
    try (Ledger l = Ledgers.open(v1.ledger(), signing(issuer))) {
      l.issue(e);
      RegistryView view = (RegistryView) l;
      assertThat(view.record(e.cluster(), e.certificate()))
          .hasValueSatisfying(r -> assertThat(r.locator()).isEqualTo("cert-v1.cert.json"));
      assertThat(l.history(e.cluster()))
          .extracting(LedgerEntry.Issued::certificate)
          .containsExactly(e.certificate());
      assertThat(l.find(e.certificate())).isPresent();
    }
  }
}
