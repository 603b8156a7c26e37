package dev.cairn.attest.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;

/**
 * secp256k1 keys (Ethereum accounts), from BouncyCastle: kept apart so that only a policy with such
 * a secret loads BouncyCastle's signed jar.
 */
public final class Secp256k1 {
  private Secp256k1() {}

  /** A fresh private key as 32 big-endian bytes. */
  public static byte[] privateKey(SecureRandom random) {
    X9ECParameters curve = SECNamedCurves.getByName("secp256k1");
    ECKeyPairGenerator g = new ECKeyPairGenerator();
    g.init(
        new ECKeyGenerationParameters(
            new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH()),
            random));
    BigInteger d = ((ECPrivateKeyParameters) g.generateKeyPair().getPrivate()).getD();
    byte[] raw = d.toByteArray();
    byte[] value = new byte[32];
    System.arraycopy(
        raw,
        Math.max(0, raw.length - 32),
        value,
        Math.max(0, 32 - raw.length),
        Math.min(32, raw.length));
    java.util.Arrays.fill(raw, (byte) 0);
    return value;
  }

  /** The uncompressed public point (65 bytes, 0x04 || x || y) of a 32-byte private key. */
  public static byte[] publicKey(byte[] privateKey) {
    X9ECParameters curve = SECNamedCurves.getByName("secp256k1");
    return curve.getG().multiply(new BigInteger(1, privateKey)).normalize().getEncoded(false);
  }
}
