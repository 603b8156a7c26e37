package dev.cairn.ethereum;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.Secret;
import dev.cairn.ethereum.internal.CertificateRegistry;
import dev.cairn.ethereum.internal.EthKeys;
import dev.cairn.ethereum.internal.JsonRpc;
import dev.cairn.ethereum.internal.Transactor;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.LedgerException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Operations on Cairn's certificate registries that are not ledger entries: deploying one, granting
 * and removing the issuer role, and the keys and addresses they take. Keys are {@link Secret}s
 * holding a raw 32-byte secp256k1 private key; addresses are lower-case {@code 0x} and 40 hex
 * digits.
 */
public final class EthereumRegistries {
  private EthereumRegistries() {}

  /**
   * A registry deployed by {@link #deploy}.
   *
   * @param ledger the ledger to open it with ({@code ethereum:RPC#ADDRESS}, the endpoint as given)
   * @param registry the registry's address
   * @param admin the address that administers it (the deploying key's)
   * @param chainId the chain it is on
   * @param transaction the deploying transaction's hash
   * @param blockNumber the block it was mined in
   * @param contractVersion the contract's version (1: {@code CertificateRegistry}, 2: {@code
   *     CertificateRegistryV2})
   */
  public record Deployment(
      URI ledger,
      String registry,
      String admin,
      long chainId,
      String transaction,
      long blockNumber,
      int contractVersion) {}

  /** The contract version {@link #deploy} deploys: the latest. */
  public static final int DEFAULT_CONTRACT_VERSION = 2;

  /**
   * A change of the issuer role made by {@link #grantIssuer}.
   *
   * @param issuer the address whose role changed
   * @param removed true when the role was removed, false when granted
   * @param ledger the registry as people read it ({@link EthereumLedger#describe()})
   * @param chainId the chain the registry is on
   * @param transaction the transaction's hash
   * @param blockNumber the block it was mined in
   */
  public record IssuerChange(
      String issuer,
      boolean removed,
      String ledger,
      long chainId,
      String transaction,
      long blockNumber) {}

  /**
   * Deploys a new registry on the chain {@code chainId}, administered by (and paid for by) {@code
   * adminKey}; waits for {@code confirmations} blocks. {@code rpcOrEnv} is the JSON-RPC URL, or
   * {@code env:VAR} to read it from the environment variable {@code VAR} (the returned ledger keeps
   * {@code env:VAR}).
   *
   * @throws WrongChainException when the endpoint serves another chain (nothing is sent)
   */
  public static Deployment deploy(String rpcOrEnv, long chainId, Secret adminKey, int confirmations)
      throws LedgerException {
    return deploy(
        rpcOrEnv, chainId, adminKey, confirmations, DEFAULT_CONTRACT_VERSION, System::getenv);
  }

  /**
   * Deploys a registry of contract version {@code contractVersion} (1 or 2); otherwise as {@link
   * #deploy(String, long, Secret, int)}. Version 1 is for registries that must match older ones.
   */
  public static Deployment deploy(
      String rpcOrEnv, long chainId, Secret adminKey, int confirmations, int contractVersion)
      throws LedgerException {
    return deploy(rpcOrEnv, chainId, adminKey, confirmations, contractVersion, System::getenv);
  }

  static Deployment deploy(
      String rpcOrEnv,
      long chainId,
      Secret adminKey,
      int confirmations,
      Function<String, @Nullable String> env)
      throws LedgerException {
    return deploy(rpcOrEnv, chainId, adminKey, confirmations, DEFAULT_CONTRACT_VERSION, env);
  }

  static Deployment deploy(
      String rpcOrEnv,
      long chainId,
      Secret adminKey,
      int confirmations,
      int contractVersion,
      Function<String, @Nullable String> env)
      throws LedgerException {
    if (confirmations < 1) {
      throw new IllegalArgumentException("confirmations must be at least 1");
    }
    CertificateRegistry.Version version = CertificateRegistry.Version.of(contractVersion);
    if (version == null) {
      throw new LedgerException(
          "there is no registry contract version " + contractVersion,
          "deploy version 2 (the default), or 1 to match an older registry");
    }
    EthereumLedger.Spec where =
        EthereumLedger.Spec.parse(EthereumLedger.Spec.PREFIX + rpcOrEnv + "#0x" + "0".repeat(40));
    org.web3j.crypto.Credentials admin = EthereumLedger.credentials(adminKey);
    JsonRpc rpc = where.rpc(env);
    long served = rpc.chainId();
    if (served != chainId) {
      throw new WrongChainException(
          where.display(),
          served,
          chainId,
          "; nothing was deployed",
          "check the endpoint and the chain id");
    }
    Transactor tx =
        new Transactor(
            rpc,
            admin,
            chainId,
            Transactor.Options.defaults().withConfirmations(confirmations),
            CertificateRegistry::decodeRevert);
    Transactor.Mined m = CertificateRegistry.deploy(tx, admin.getAddress(), version);
    String address = Objects.requireNonNull(m.contractAddress());
    return new Deployment(
        where.at(address).uri(),
        address,
        admin.getAddress().toLowerCase(Locale.ROOT),
        chainId,
        m.hash(),
        m.blockNumber(),
        version.number());
  }

  /**
   * Grants {@code address} the issuer role on the registry {@code ledger} names (or, with {@code
   * remove}, takes it away), signed by the registry's admin {@code adminKey}; waits for one
   * confirmation.
   */
  public static IssuerChange grantIssuer(
      URI ledger, Secret adminKey, String address, boolean remove) throws LedgerException {
    return grantIssuer(ledger, adminKey, address, remove, System::getenv);
  }

  static IssuerChange grantIssuer(
      URI ledger,
      Secret adminKey,
      String address,
      boolean remove,
      Function<String, @Nullable String> env)
      throws LedgerException {
    if (!address.matches("0x[0-9a-fA-F]{40}")) {
      throw new LedgerException(
          "not an address: " + address, "write an address as 0x and 40 hex digits");
    }
    EthereumLedger.Spec spec = EthereumLedger.Spec.of(ledger);
    try (EthereumLedger chain =
        EthereumLedger.connect(
            spec, spec.rpc(env), adminKey, null, Transactor.Options.defaults(), null)) {
      String who = address.toLowerCase(Locale.ROOT);
      ChainReceipt r = chain.changeIssuer(who, remove);
      return new IssuerChange(
          who, remove, chain.describe(), chain.chainId(), r.transaction(), r.blockNumber());
    }
  }

  /**
   * The address of a raw 32-byte secp256k1 private key.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static String addressOf(Secret privateKey) {
    return EthKeys.address(privateKey);
  }

  /**
   * The address of an uncompressed secp256k1 public key (65 bytes: {@code 0x04 || x || y}), as the
   * attestation service publishes it for a {@code secp256k1} secret.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static String addressOfPublicKey(byte[] uncompressed65) {
    return EthKeys.addressOfPublicKey(uncompressed65);
  }

  /** A fresh random private key (32 bytes). */
  public static Secret generateKey() {
    return EthKeys.generate();
  }

  /**
   * The admin key in {@code file}: hex, with or without {@code 0x}, surrounding white space
   * ignored.
   */
  public static Secret adminKey(Path file) throws CairnException {
    String hex;
    try {
      requirePrivate(file);
      hex = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new CairnException(
          "cannot read the admin key file " + file + ": " + e.getMessage(), null, e);
    }
    return adminKey(hex, "the file " + file);
  }

  /**
   * Refuses a key file that others than its owner may read or write, as ssh refuses such a private
   * key: a key readable by the group or the world is a key that may be copied. Where the file
   * system has no POSIX permissions there is nothing to check.
   */
  static void requirePrivate(Path file) throws CairnException, IOException {
    java.nio.file.attribute.PosixFileAttributeView v =
        Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class);
    if (v == null) {
      return;
    }
    java.util.Set<java.nio.file.attribute.PosixFilePermission> p = v.readAttributes().permissions();
    java.util.Set<java.nio.file.attribute.PosixFilePermission> open =
        java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
    for (java.nio.file.attribute.PosixFilePermission x : p) {
      if (!x.name().startsWith("OWNER_")) {
        open.add(x);
      }
    }
    if (!open.isEmpty()) {
      int mode = 0;
      for (java.nio.file.attribute.PosixFilePermission x : p) {
        mode |= 1 << (8 - x.ordinal());
      }
      throw new CairnException(
          "the key file "
              + file
              + " is open to others than its owner (mode "
              + String.format(java.util.Locale.ROOT, "%04o", mode)
              + "), so the key may have been copied",
          "make it readable by its owner only (chmod 600 " + file + "), as ssh demands of keys");
    }
  }

  /**
   * A private key written as hex (1 to 64 digits, with or without {@code 0x}), read from {@code
   * where} (for the message: {@code the file …}, a variable's name). The message never shows it.
   */
  public static Secret adminKey(String hex, String where) throws CairnException {
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if (!h.matches("[0-9a-fA-F]{1,64}")) {
      throw new CairnException(
          "the admin key in " + where + " is not 32 bytes of hex", "write it as 64 hex digits");
    }
    byte[] raw = HexFormat.of().parseHex("0".repeat(64 - h.length()) + h);
    try {
      if (!EthKeys.isPrivateKey(raw)) {
        throw new CairnException(
            "the admin key in " + where + " is not a secp256k1 private key (zero or too large)",
            "generate a new key");
      }
      return Secret.of(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Writes {@code key} to {@code file} as 64 hex digits, readable by its owner only (mode 0600), as
   * {@link #adminKey(Path)} reads it.
   */
  public static void writeKey(Path file, Secret key) throws CairnException {
    byte[] raw = key.bytes();
    byte[] text = HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII);
    try {
      AtomicFiles.write(file, text, true);
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the key file " + file + ": " + e.getMessage(), null, e);
    } finally {
      Arrays.fill(raw, (byte) 0);
      Arrays.fill(text, (byte) 0);
    }
  }
}
