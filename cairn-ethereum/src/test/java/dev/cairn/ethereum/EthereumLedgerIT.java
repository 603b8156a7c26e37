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
import dev.cairn.ledger.LedgerReceipt;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.RegistryView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ethereum ledger as every caller sees it: opened by {@link Ledgers#open} through the
 * ServiceLoader against a real local anvil node, with a registry deployed and an issuer granted by
 * {@link EthereumRegistries}.
 */
class EthereumLedgerIT {
  static final BigInteger ETHER = BigInteger.TEN.pow(18);

  static LocalNode node;
  static Secret admin;
  static Secret issuer;
  static EthereumRegistries.Deployment registry;
  static URI ledger;

  @TempDir static Path home;

  @BeforeAll
  static void deploy() throws Exception {
    node = LocalNode.start(LocalNode.Kind.ANVIL);
    admin = EthereumRegistries.generateKey();
    node.fund(EthereumRegistries.addressOf(admin), ETHER.multiply(BigInteger.valueOf(100)));
    // version 1, as registries deployed before version 2 are: they keep working
    registry = EthereumRegistries.deploy(node.uri().toString(), node.chainId(), admin, 1, 1);
    issuer = funded();
    EthereumRegistries.IssuerChange g =
        EthereumRegistries.grantIssuer(
            registry.ledger(), admin, EthereumRegistries.addressOf(issuer), false);
    assertThat(g.removed()).isFalse();
    assertThat(g.transaction()).matches("0x[0-9a-f]{64}");
    ledger =
        Ledgers.parse(
            "ethereum:http://127.0.0.1:" + node.uri().getPort() + "#" + registry.registry());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static Secret funded() throws Exception {
    Secret k = EthereumRegistries.generateKey();
    node.fund(EthereumRegistries.addressOf(k), ETHER);
    return k;
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
  void deploy_returnsTheLedgerToOpen() {
    assertThat(registry.ledger().toString())
        .isEqualTo("ethereum:" + node.uri() + "#" + registry.registry());
    assertThat(registry.registry()).matches("0x[0-9a-f]{40}");
    assertThat(registry.admin()).isEqualTo(EthereumRegistries.addressOf(admin));
    assertThat(registry.chainId()).isEqualTo(31337);
    assertThat(registry.transaction()).matches("0x[0-9a-f]{64}");
  }

  @Test
  void throughLedgersOpen_issuesReadsHistoryAndRevokes() throws Exception {
    LedgerEntry.Issued first = entry("cluster-spi", "cert-spi-1");
    LedgerEntry.Issued second = entry("cluster-spi", "cert-spi-2");
    String issuerAddress = EthereumRegistries.addressOf(issuer);
    try (Ledger l = Ledgers.open(ledger, signing(issuer))) {
      assertThat(l).isInstanceOf(EthereumLedger.class).isInstanceOf(RegistryView.class);
      assertThat(Ledgers.needsSigner(ledger)).isTrue();
      assertThat(l.issuerSecret()).isEqualTo("ledger-key");
      assertThat(l.describe())
          .isEqualTo("ethereum:" + node.uri() + "#" + registry.registry() + " (chain 31337)");
      assertThat(l.checkIssuer(EthKeys.publicKey(issuer))).isEqualTo(issuerAddress);

      LedgerReceipt r1 = l.issue(first);
      assertThat(r1)
          .isInstanceOfSatisfying(
              ChainReceipt.class,
              c -> {
                assertThat(c.ledger()).isEqualTo(ledger.toString());
                assertThat(c.chainId()).isEqualTo(31337);
                assertThat(c.contract()).isEqualTo(registry.registry());
                assertThat(c.issuer()).isEqualTo(issuerAddress);
                assertThat(c.transaction()).matches("0x[0-9a-f]{64}");
              });
      // the same certificate again: the first receipt, no second record
      assertThat(l.issue(first)).isEqualTo(r1);
      l.issue(second);
      assertThat(Files.exists(CairnHome.of(home).ethereum().resolve(registry.registry() + ".lock")))
          .isTrue();

      assertThat(l.history(Digest.sha256("cluster-spi")))
          .extracting(LedgerEntry.Issued::certificate, LedgerEntry.Issued::locator)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(first.certificate(), "cert-spi-1.cert.json"),
              org.assertj.core.groups.Tuple.tuple(second.certificate(), "cert-spi-2.cert.json"));
      assertThat(l.latest(Digest.sha256("cluster-spi")).orElseThrow().certificate())
          .isEqualTo(second.certificate());
      LedgerEntry.Issued found = l.find(first.certificate()).orElseThrow();
      assertThat(found.cluster()).isEqualTo(first.cluster());
      assertThat(found.issuedAt()).isBeforeOrEqualTo(Instant.now());
      assertThat(found.expiresAt()).isEqualTo(first.expiresAt());
      assertThat(l.revocation(first.certificate())).isEmpty();
      assertThat(l.find(Digest.sha256("never"))).isEmpty();
      assertThat(l.history(Digest.sha256("no-such-cluster"))).isEmpty();
      assertThat(l.latest(Digest.sha256("no-such-cluster"))).isEmpty();
    }

    try (Ledger asAdmin = Ledgers.open(ledger, signing(admin))) {
      LedgerReceipt r =
          asAdmin.revoke(
              new LedgerEntry.Revoked(first.certificate(), "decommissioned", Instant.now()));
      assertThat(((ChainReceipt) r).issuer()).isEqualTo(registry.admin());
    }

    try (Ledger reading = Ledgers.open(ledger, LedgerOptions.reading(CairnHome.of(home)))) {
      LedgerEntry.Revoked rev = reading.revocation(first.certificate()).orElseThrow();
      assertThat(rev.reason()).isEqualTo("decommissioned");
      RegistryView view = (RegistryView) reading;
      RegistryView.OnChain onChain = view.record(first.certificate()).orElseThrow();
      assertThat(onChain.revokedAt()).isNotNull();
      assertThat(onChain.issuer()).isEqualTo(issuerAddress);
      assertThat(view.isIssuer(issuerAddress)).isTrue();
      assertThat(view.chainId()).isEqualTo(31337);
      assertThat(view.contract()).isEqualTo(registry.registry());
      assertThat(reading.revocation(second.certificate())).isEmpty();
      assertThatThrownBy(() -> reading.issue(entry("cluster-spi", "cert-spi-3")))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("it was opened without a signing key");
    }
  }

  @Test
  void checkIssuer_refusesAnUnfundedAndAnUngrantedKey() throws Exception {
    Secret unfunded = EthereumRegistries.generateKey();
    String unfundedAddress = EthereumRegistries.addressOf(unfunded);
    EthereumRegistries.grantIssuer(registry.ledger(), admin, unfundedAddress, false);
    Secret ungranted = funded();
    String ungrantedAddress = EthereumRegistries.addressOf(ungranted);
    try (Ledger l = Ledgers.open(ledger, LedgerOptions.reading(CairnHome.of(home)))) {
      assertThatThrownBy(() -> l.checkIssuer(EthKeys.publicKey(unfunded)))
          .isInstanceOfSatisfying(
              IssuerException.class,
              e -> {
                assertThat(e.problem()).isEqualTo(IssuerException.Problem.NO_ETHER);
                assertThat(e.address()).isEqualTo(unfundedAddress);
                assertThat(e.chainId()).isEqualTo(31337);
                assertThat(e.ledger()).isEqualTo(ledger);
                assertThat(e.hint())
                    .hasValue("send it some: each certificate costs about 200,000 gas");
              })
          .hasMessage(
              "the scanner's ledger key "
                  + unfundedAddress
                  + " has no ether on chain 31337 to pay for recording the certificate");
      assertThatThrownBy(() -> l.checkIssuer(EthKeys.publicKey(ungranted)))
          .isInstanceOfSatisfying(
              IssuerException.class,
              e -> {
                assertThat(e.problem()).isEqualTo(IssuerException.Problem.NOT_ISSUER);
                assertThat(e.address()).isEqualTo(ungrantedAddress);
                assertThat(e.hint())
                    .hasValue(
                        "let the registry's admin grant " + ungrantedAddress + " the issuer role");
              })
          .hasMessage(
              "the scanner's ledger key "
                  + ungrantedAddress
                  + " is not an issuer on the registry ethereum:"
                  + node.uri()
                  + "#"
                  + registry.registry()
                  + " (chain 31337)");
      assertThatThrownBy(() -> l.checkIssuer(new byte[33]))
          .isInstanceOf(LedgerException.class)
          .hasMessageStartingWith(
              "the issuer's public key is not an uncompressed secp256k1 public key");
    }
    // granted and funded: accepted; removed again: refused
    node.fund(unfundedAddress, ETHER);
    try (Ledger l = Ledgers.open(ledger, LedgerOptions.reading(CairnHome.of(home)))) {
      assertThat(l.checkIssuer(EthKeys.publicKey(unfunded))).isEqualTo(unfundedAddress);
      EthereumRegistries.IssuerChange removed =
          EthereumRegistries.grantIssuer(registry.ledger(), admin, unfundedAddress, true);
      assertThat(removed.removed()).isTrue();
      assertThat(removed.issuer()).isEqualTo(unfundedAddress);
      assertThat(removed.chainId()).isEqualTo(31337);
      assertThatThrownBy(() -> l.checkIssuer(EthKeys.publicKey(unfunded)))
          .isInstanceOfSatisfying(
              IssuerException.class,
              e -> assertThat(e.problem()).isEqualTo(IssuerException.Problem.NOT_ISSUER));
    }
  }

  @Test
  void anotherChain_isRefused_andNothingIsDeployed() throws Exception {
    assertThatThrownBy(
            () ->
                Ledgers.open(
                    ledger, LedgerOptions.reading(CairnHome.of(home)).withExpectedChainId(1L)))
        .isInstanceOfSatisfying(
            WrongChainException.class,
            e -> {
              assertThat(e.served()).isEqualTo(31337);
              assertThat(e.expected()).isEqualTo(1);
            })
        .hasMessage(node.uri() + " serves chain 31337, not chain 1");
    BigInteger before = node.balance(EthereumRegistries.addressOf(admin));
    assertThatThrownBy(() -> EthereumRegistries.deploy(node.uri().toString(), 1, admin, 1))
        .isInstanceOf(WrongChainException.class)
        .hasMessage(node.uri() + " serves chain 31337, not chain 1; nothing was deployed");
    assertThat(node.balance(EthereumRegistries.addressOf(admin))).isEqualTo(before);
  }

  @Test
  void wrongRegistries_andGrants_sayWhatIsWrong() throws Exception {
    URI noContract =
        Ledgers.parse("ethereum:" + node.uri() + "#" + EthereumRegistries.addressOf(issuer));
    assertThatThrownBy(() -> Ledgers.open(noContract, LedgerOptions.reading(CairnHome.of(home))))
        .hasMessageStartingWith("no contract at " + EthereumRegistries.addressOf(issuer));
    assertThatThrownBy(
            () -> EthereumRegistries.grantIssuer(registry.ledger(), admin, "0x1234", false))
        .hasMessage("not an address: 0x1234");
    Secret stranger = funded();
    assertThatThrownBy(
            () ->
                EthereumRegistries.grantIssuer(
                    registry.ledger(), stranger, EthereumRegistries.addressOf(stranger), false))
        .hasMessageContaining("NotAdmin(" + EthereumRegistries.addressOf(stranger));
  }

  @Test
  void anEnvEndpoint_isReadWhenOpened_andNeverShown() throws Exception {
    String secret =
        "k3y-" + HexFormat.of().formatHex(Digest.sha256("api").bytes()).substring(0, 12);
    String url = node.uri() + "/?apikey=" + secret;
    EthereumLedgers provider =
        new EthereumLedgers(v -> v.equals("CAIRN_TEST_ETH_RPC") ? url : null);
    URI viaEnv = Ledgers.parse("ethereum:env:CAIRN_TEST_ETH_RPC#" + registry.registry());
    assertThat(provider.environment(viaEnv)).containsExactly("CAIRN_TEST_ETH_RPC");
    List<String> shown = new ArrayList<>();
    try (EthereumLedger l = provider.open(viaEnv, signing(issuer))) {
      shown.add(l.describe());
      shown.add(l.toString());
      shown.add(l.uri().toString());
      ChainReceipt r = l.issue(entry("cluster-env", "cert-env"));
      shown.add(r.toString());
      assertThat(r.ledger()).isEqualTo("ethereum:env:CAIRN_TEST_ETH_RPC#" + registry.registry());
    }
    EthereumRegistries.Deployment d =
        EthereumRegistries.deploy(
            "env:CAIRN_TEST_ETH_RPC",
            31337,
            admin,
            1,
            v -> v.equals("CAIRN_TEST_ETH_RPC") ? url : null);
    assertThat(d.ledger().toString()).isEqualTo("ethereum:env:CAIRN_TEST_ETH_RPC#" + d.registry());
    shown.add(d.toString());
    // an endpoint that does not answer: the message names the variable, not the URL
    String dead = "http://127.0.0.1:9/?apikey=" + secret;
    assertThatThrownBy(
            () ->
                new EthereumLedgers(v -> dead)
                    .open(viaEnv, LedgerOptions.reading(CairnHome.of(home))))
        .isInstanceOfSatisfying(
            LedgerException.class,
            e -> {
              shown.add(String.valueOf(e.getMessage()));
              shown.add(e.hint().orElse(""));
            })
        .hasMessageContaining("cannot reach the Ethereum RPC endpoint at env:CAIRN_TEST_ETH_RPC");
    // and a URL given in full shows scheme, host and port only
    URI plain = Ledgers.parse("ethereum:" + url + "#" + registry.registry());
    try (Ledger l = Ledgers.open(plain, LedgerOptions.reading(CairnHome.of(home)))) {
      shown.add(l.describe());
    }
    assertThatThrownBy(
            () ->
                Ledgers.open(
                    Ledgers.parse("ethereum:" + dead + "#" + registry.registry()),
                    LedgerOptions.reading(CairnHome.of(home))))
        .isInstanceOfSatisfying(
            LedgerException.class, e -> shown.add(String.valueOf(e.getMessage())));
    assertThat(shown).hasSizeGreaterThan(6).allSatisfy(s -> assertThat(s).doesNotContain(secret));
  }

  @Test
  void theSigningKey_neverReachesAMessage() throws Exception {
    Secret stranger = funded();
    String hex = HexFormat.of().formatHex(stranger.bytes());
    LedgerOptions options = signing(stranger);
    assertThat(options.toString()).doesNotContain(hex);
    try (Ledger l = Ledgers.open(ledger, options)) {
      assertThat(l.toString()).doesNotContain(hex);
      assertThatThrownBy(() -> l.issue(entry("cluster-x", "cert-x")))
          .isInstanceOfSatisfying(
              LedgerException.class,
              e -> {
                assertThat(e.getMessage())
                    .contains("NotIssuer(" + EthereumRegistries.addressOf(stranger))
                    .doesNotContain(hex);
                assertThat(e.hint().orElse("")).doesNotContain(hex);
              });
    }
  }

  @Test
  void concurrentIssuers_inOneProcess_takeTurns() throws Exception {
    List<CompletableFuture<LedgerReceipt>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      LedgerEntry.Issued e = entry("cluster-par", "cert-par-" + i);
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try (Ledger l = Ledgers.open(ledger, signing(issuer))) {
                  return l.issue(e);
                } catch (LedgerException x) {
                  throw new IllegalStateException(x);
                }
              }));
    }
    for (CompletableFuture<LedgerReceipt> f : runs) {
      assertThat(f.get(60, TimeUnit.SECONDS)).isInstanceOf(ChainReceipt.class);
    }
    try (Ledger l = Ledgers.open(ledger, LedgerOptions.reading(CairnHome.of(home)))) {
      assertThat(l.history(Digest.sha256("cluster-par"))).hasSize(4);
    }
  }

  @Test
  void issue_waitsForTheLockAnotherProcessHolds() throws Exception {
    Path lockFile = CairnHome.of(home).ethereum().resolve(registry.registry() + ".lock");
    Files.createDirectories(lockFile.getParent());
    Path holder = home.resolve("HoldLock.java");
    Files.writeString(
        holder,
        """
        import java.nio.channels.FileChannel;
        import java.nio.channels.FileLock;
        import java.nio.file.Path;
        import java.nio.file.StandardOpenOption;

        public class HoldLock {
          public static void main(String[] args) throws Exception {
            try (FileChannel c =
                    FileChannel.open(
                        Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = c.lock()) {
              System.out.println("locked");
              System.out.flush();
              System.in.read(); // until the test closes stdin
            }
          }
        }
        """);
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                holder.toString(),
                lockFile.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      LedgerEntry.Issued e = entry("cluster-lock", "cert-lock");
      CompletableFuture<LedgerReceipt> issuing =
          CompletableFuture.supplyAsync(
              () -> {
                try (Ledger l = Ledgers.open(ledger, signing(issuer))) {
                  return l.issue(e);
                } catch (LedgerException x) {
                  throw new IllegalStateException(x);
                }
              });
      assertThatThrownBy(() -> issuing.get(1, TimeUnit.SECONDS))
          .isInstanceOf(TimeoutException.class);
      try (Ledger l = Ledgers.open(ledger, LedgerOptions.reading(CairnHome.of(home)))) {
        assertThat(l.find(e.certificate())).isEmpty();
      }
      p.getOutputStream().close();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(issuing.get(60, TimeUnit.SECONDS)).isInstanceOf(ChainReceipt.class);
    } finally {
      p.destroyForcibly();
    }
  }
}
