package dev.cairn.ethereum.internal;

import dev.cairn.core.Secret;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/** secp256k1 keys as Ethereum accounts: raw 32-byte private keys, public points, addresses. */
public final class EthKeys {
  /** The order of secp256k1's group: a private key is in [1, N). */
  static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  private static final SecureRandom RANDOM = new SecureRandom();

  private EthKeys() {}

  /** Whether {@code raw} (big-endian, any length up to 32) is a valid private key. */
  public static boolean isPrivateKey(byte[] raw) {
    if (raw.length == 0 || raw.length > 32) {
      return false;
    }
    BigInteger k = new BigInteger(1, raw);
    return k.signum() > 0 && k.compareTo(N) < 0;
  }

  /**
   * The signing credentials of a raw 32-byte private key.
   *
   * @throws IllegalArgumentException when it is not one (never showing it)
   */
  public static Credentials credentials(Secret privateKey) {
    byte[] raw = privateKey.bytes();
    try {
      if (raw.length != 32 || !isPrivateKey(raw)) {
        throw new IllegalArgumentException(
            "not a secp256k1 private key (" + raw.length + " bytes; 32 bytes below the order)");
      }
      return Credentials.create(ECKeyPair.create(new BigInteger(1, raw)));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** The address (lower-case 0x-hex) of a raw 32-byte private key. */
  public static String address(Secret privateKey) {
    return credentials(privateKey).getAddress().toLowerCase(Locale.ROOT);
  }

  /**
   * The address (lower-case 0x-hex) of an uncompressed public point: 65 bytes {@code 0x04 || x ||
   * y}.
   */
  public static String addressOfPublicKey(byte[] uncompressed) {
    if (uncompressed.length != 65 || uncompressed[0] != 0x04) {
      throw new IllegalArgumentException(
          "not an uncompressed secp256k1 public key (65 bytes starting 0x04), but "
              + uncompressed.length
              + " bytes");
    }
    return Numeric.toHexString(Keys.getAddress(Arrays.copyOfRange(uncompressed, 1, 65)))
        .toLowerCase(Locale.ROOT);
  }

  /** A fresh private key, 32 bytes. */
  public static Secret generate() {
    byte[] raw = new byte[32];
    try {
      do {
        RANDOM.nextBytes(raw);
      } while (!isPrivateKey(raw));
      return Secret.of(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** The uncompressed public point (65 bytes, {@code 0x04 || x || y}) of a private key. */
  public static byte[] publicKey(Secret privateKey) {
    BigInteger pub = credentials(privateKey).getEcKeyPair().getPublicKey();
    byte[] xy = Numeric.toBytesPadded(pub, 64);
    byte[] out = new byte[65];
    out[0] = 0x04;
    System.arraycopy(xy, 0, out, 1, 64);
    return out;
  }
}
