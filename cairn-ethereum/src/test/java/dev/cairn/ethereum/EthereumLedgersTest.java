package dev.cairn.ethereum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider's spelling rules, found through the ServiceLoader, and the key helpers. */
class EthereumLedgersTest {
  static final String A = "0x" + "ab".repeat(20);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ethereum:http://127.0.0.1:8545#",
        "ethereum:http://h:8545/#",
        "ethereum:https://mainnet.example.io/v3/0123456789abcdef#",
        "ethereum:https://user:p%40ss@rpc.example.org:443/path/x?apikey=s3cr%2Ft&chain=1#",
        "ethereum:http://[::1]:8545/rpc?a=b;c=d#",
        "ethereum:HTTPS://Rpc.Example.org/A%20B#",
        "ethereum:env:CAIRN_ETH_RPC#",
        "ethereum:env:_x1#",
      })
  void ledgersParse_roundTripsTheEndpointExactly(String prefix) throws Exception {
    String written = prefix + A;
    URI uri = Ledgers.parse(written);
    assertThat(uri.getScheme()).isEqualTo("ethereum");
    assertThat(uri.isOpaque()).isTrue();
    assertThat(uri.toString()).isEqualTo(written);
    EthereumLedger.Spec spec = EthereumLedger.Spec.of(uri);
    assertThat(spec.endpointName())
        .isEqualTo(prefix.substring("ethereum:".length(), prefix.length() - 1));
    assertThat(spec.contract()).isEqualTo(A);
    assertThat(spec.uri()).isEqualTo(uri);
    assertThat(spec.toString()).isEqualTo(written);
    assertThat(Ledgers.parse(spec.uri().toString())).isEqualTo(uri);
  }

  @Test
  void theAddress_isKeptInLowerCase() throws Exception {
    URI uri = Ledgers.parse("ethereum:http://h:8545#0x" + "AB".repeat(20));
    assertThat(EthereumLedger.Spec.of(uri).contract()).isEqualTo(A);
    assertThat(EthereumLedger.Spec.of(uri).uri().toString())
        .isEqualTo("ethereum:http://h:8545#" + A);
  }

  @Test
  void environment_namesTheVariableOfAnEnvEndpointOnly() throws Exception {
    assertThat(Ledgers.environment(Ledgers.parse("ethereum:env:CAIRN_ETH_RPC#" + A)))
        .isEqualTo(Set.of("CAIRN_ETH_RPC"));
    assertThat(Ledgers.environment(Ledgers.parse("ethereum:http://h:8545#" + A))).isEmpty();
    assertThat(new EthereumLedgers().environment(URI.create("ethereum:env:1bad#" + A))).isEmpty();
  }

  @Test
  void badSpellings_sayWhatIsWrong_withoutShowingSecrets() {
    assertThatThrownBy(() -> Ledgers.parse("ethereum:http://h:8545"))
        .isInstanceOf(LedgerException.class)
        .hasMessage("not an Ethereum ledger: ethereum:http://h:8545");
    assertThatThrownBy(() -> Ledgers.parse("ethereum:https://h/v3/SECRETKEY"))
        .hasMessageStartingWith("not an Ethereum ledger: ")
        .hasMessageNotContaining("SECRETKEY");
    assertThatThrownBy(() -> Ledgers.parse("ethereum:http://h:8545#0x1234"))
        .hasMessage("not a contract address: 0x1234");
    assertThatThrownBy(() -> Ledgers.parse("ethereum:env:1BAD#" + A))
        .hasMessage("not an environment variable name: 1BAD");
    assertThatThrownBy(() -> Ledgers.parse("ethereum:ftp://user:SECRETKEY@h/x#" + A))
        .hasMessage("the Ethereum endpoint must be an http(s) URL, not ftp://h/…")
        .hasMessageNotContaining("SECRETKEY");
    assertThatThrownBy(() -> Ledgers.parse("ethereum://h:8545#" + A))
        .hasMessageStartingWith("the Ethereum endpoint must be an http(s) URL, not ")
        .hasMessageNotContaining("null");
    assertThatThrownBy(() -> Ledgers.parse("ethereum:http:///nohost#" + A))
        .hasMessageStartingWith("the Ethereum endpoint must be an http(s) URL");
  }

  @Test
  void anUnsetVariable_isNamedWhenOpening(@TempDir Path home) throws Exception {
    URI uri = Ledgers.parse("ethereum:env:CAIRN_TEST_UNSET_RPC#" + A);
    assertThatThrownBy(
            () ->
                new EthereumLedgers(v -> null).open(uri, LedgerOptions.reading(CairnHome.of(home))))
        .hasMessage(
            "the environment variable CAIRN_TEST_UNSET_RPC (the Ethereum RPC endpoint) is not set");
  }

  @Test
  void theProvider_isFoundByScheme_andDescribesItsSyntax() {
    EthereumLedgers p = new EthereumLedgers();
    assertThat(p.scheme()).isEqualTo("ethereum");
    assertThat(p.syntax()).isEqualTo("ethereum:URL#ADDRESS");
    assertThatThrownBy(() -> Ledgers.parse("nosuch:thing"))
        .isInstanceOfSatisfying(
            LedgerException.class,
            e -> assertThat(e.hint().orElse("")).contains("ethereum:URL#ADDRESS"));
  }

  @Test
  void displayedEndpoints_dropUserInfoPathAndQuery() throws Exception {
    EthereumLedger.Spec s =
        EthereumLedger.Spec.parse("ethereum:https://u:pw@rpc.example.org:8443/v3/KEY?k=v#" + A);
    assertThat(s.display()).isEqualTo("https://rpc.example.org:8443/…");
    assertThat(EthereumLedger.Spec.parse("ethereum:env:RPC#" + A).display()).isEqualTo("env:RPC");
  }

  // --- keys and addresses

  /** Private key 1: its public key is the generator point, a well-known address. */
  static final String ONE = "0".repeat(63) + "1";

  static final String G =
      "04"
          + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
          + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

  static final String ADDRESS_OF_ONE = "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf";

  @Test
  void addresses_ofPrivateAndPublicKeys() throws Exception {
    Secret one = EthereumRegistries.adminKey("0x1", "a test");
    assertThat(one.length()).isEqualTo(32);
    assertThat(EthereumRegistries.addressOf(one)).isEqualTo(ADDRESS_OF_ONE);
    assertThat(EthereumRegistries.addressOfPublicKey(HexFormat.of().parseHex(G)))
        .isEqualTo(ADDRESS_OF_ONE);
    assertThatThrownBy(() -> EthereumRegistries.addressOfPublicKey(new byte[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65 bytes starting 0x04");
    Secret fresh = EthereumRegistries.generateKey();
    assertThat(fresh.length()).isEqualTo(32);
    assertThat(EthereumRegistries.addressOf(fresh)).matches("0x[0-9a-f]{40}");
    assertThat(fresh).isNotEqualTo(EthereumRegistries.generateKey());
  }

  @Test
  void adminKeys_areHex_withOrWithout0x_andTheirMessagesNeverShowThem(@TempDir Path dir)
      throws Exception {
    assertThat(EthereumRegistries.adminKey(ONE, "x"))
        .isEqualTo(EthereumRegistries.adminKey("1", "x"));
    assertThat(EthereumRegistries.adminKey("0x" + ONE, "x"))
        .isEqualTo(EthereumRegistries.adminKey(ONE, "x"));
    String bad = "zz" + "1f".repeat(31);
    assertThatThrownBy(() -> EthereumRegistries.adminKey(bad, "CAIRN_ETH_ADMIN_KEY"))
        .isInstanceOf(CairnException.class)
        .hasMessage("the admin key in CAIRN_ETH_ADMIN_KEY is not 32 bytes of hex")
        .hasMessageNotContaining("1f1f");
    assertThatThrownBy(() -> EthereumRegistries.adminKey("ab".repeat(33), "x"))
        .hasMessage("the admin key in x is not 32 bytes of hex");
    assertThatThrownBy(() -> EthereumRegistries.adminKey("0", "x"))
        .hasMessageContaining("not a secp256k1 private key");
    assertThatThrownBy(() -> EthereumRegistries.adminKey("f".repeat(64), "x"))
        .hasMessageContaining("not a secp256k1 private key");

    Path file = dir.resolve("admin.key");
    Secret key = EthereumRegistries.generateKey();
    EthereumRegistries.writeKey(file, key);
    assertThat(Files.readString(file)).matches("[0-9a-f]{64}");
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(EthereumRegistries.adminKey(file)).isEqualTo(key);
    Files.writeString(file, "  0x" + ONE + "\n");
    assertThat(EthereumRegistries.addressOf(EthereumRegistries.adminKey(file)))
        .isEqualTo(ADDRESS_OF_ONE);
    assertThatThrownBy(() -> EthereumRegistries.adminKey(dir.resolve("missing.key")))
        .hasMessageStartingWith("cannot read the admin key file " + dir.resolve("missing.key"));
  }

  @Test
  void aSigningKeyOfTheWrongSize_isRefusedWithoutShowingIt() {
    Secret shortKey = Secret.of(HexFormat.of().parseHex("c0ffee".repeat(5)));
    assertThatThrownBy(() -> EthereumLedger.credentials(shortKey))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("not a secp256k1 private key (15 bytes")
        .hasMessageNotContaining("c0ffee");
  }
}
