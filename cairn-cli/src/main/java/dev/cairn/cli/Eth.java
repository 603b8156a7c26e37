package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.ethereum.EthereumLedger;
import dev.cairn.ethereum.Transactor;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/** Ethereum ledger plumbing for the CLI: keys, the issuer address, options. */
final class Eth {
  static final String ADMIN_KEY_ENV = "CAIRN_ETH_ADMIN_KEY";

  private Eth() {}

  static boolean isEthereum(@Nullable String ledger) {
    return ledger != null && ledger.startsWith(EthereumLedger.SCHEME);
  }

  /** The registry {@code ledger} names, read only. */
  static EthereumLedger readOnly(String ledger) throws dev.cairn.ledger.LedgerException {
    return open(ledger, null, null, 1);
  }

  /** The registry {@code ledger} names, sending with {@code key} (checking the chain if given). */
  static EthereumLedger open(
      String ledger, @Nullable Credentials key, @Nullable Long chainId, int confirmations)
      throws dev.cairn.ledger.LedgerException {
    return EthereumLedger.connect(
        EthereumLedger.Spec.parse(ledger), key, chainId, options(confirmations));
  }

  static Transactor.Options options(int confirmations) {
    return Transactor.Options.defaults().withConfirmations(confirmations);
  }

  /**
   * The admin key: from {@code file} (hex, with or without 0x) or from {@code CAIRN_ETH_ADMIN_KEY};
   * never a command-line argument, where it would land in shell history and process lists.
   */
  static Credentials adminKey(@Nullable Path file) throws CairnException {
    String hex;
    String where;
    if (file != null) {
      try {
        hex = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (java.io.IOException e) {
        throw new CairnException(
            "cannot read the admin key file " + file + ": " + e.getMessage(), null, e);
      }
      where = "the file " + file;
    } else {
      String env = System.getenv(ADMIN_KEY_ENV);
      if (env == null || env.isBlank()) {
        throw new ExitException(
            Main.USAGE,
            "no Ethereum admin key",
            "pass --admin-key-file FILE or set "
                + ADMIN_KEY_ENV
                + " (a hex secp256k1 private key)");
      }
      hex = env.strip();
      where = ADMIN_KEY_ENV;
    }
    return credentials(hex, where);
  }

  static Credentials credentials(String hex, String where) throws CairnException {
    String h = hex.startsWith("0x") ? hex.substring(2) : hex;
    if (!h.matches("[0-9a-fA-F]{1,64}")) {
      throw new CairnException(
          "the admin key in " + where + " is not 32 bytes of hex", "write it as 64 hex digits");
    }
    return fromRaw(java.util.HexFormat.of().parseHex("0".repeat(64 - h.length()) + h));
  }

  static Credentials fromRaw(byte[] raw) {
    Credentials c = Credentials.create(ECKeyPair.create(new BigInteger(1, raw)));
    Arrays.fill(raw, (byte) 0);
    return c;
  }

  /** The address of the issuing key the attestation service releases to the measured scanner. */
  static String issuerAddress(byte[] pub) {
    return org.web3j.utils.Numeric.toHexString(
        Keys.getAddress(Arrays.copyOfRange(pub, 1, pub.length)));
  }
}
