package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof verification. Verification follows RFC 9162
 * §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) and fails closed: any mismatch is {@code false}.
 */
public final class Merkle {
  public static final int HASH = 32;

  private Merkle() {}

  /** {@code SHA-256(0x00 || data)}. */
  public static byte[] leafHash(byte[] data) {
    MessageDigest md = Digest.newSha256();
    md.update((byte) 0);
    md.update(data);
    return md.digest();
  }

  /** {@code SHA-256(0x01 || left || right)}. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = Digest.newSha256();
    md.update((byte) 1);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** The root of an empty tree: {@code SHA-256("")}. */
  public static byte[] emptyRoot() {
    return Digest.newSha256().digest();
  }

  /** The Merkle tree hash of the given leaf hashes (MTH of RFC 9162 §2.1.1), recursively. */
  public static byte[] rootOf(List<byte[]> leafHashes) {
    if (leafHashes.isEmpty()) {
      return emptyRoot();
    }
    return mth(leafHashes, 0, leafHashes.size());
  }

  private static byte[] mth(List<byte[]> l, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return l.get(from);
    }
    int k = largestPowerOfTwoBelow(n);
    return nodeHash(mth(l, from, from + k), mth(l, from + k, to));
  }

  /** The largest power of two strictly smaller than {@code n} (n ≥ 2). */
  static int largestPowerOfTwoBelow(long n) {
    long k = Long.highestOneBit(n - 1);
    return (int) k;
  }

  /**
   * Verifies that {@code leafHash} is leaf {@code index} of the tree of {@code size} with {@code
   * root}.
   */
  public static boolean verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size || leafHash.length != HASH || root.length != HASH) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (p.length != HASH || sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * Verifies that the tree of {@code size1} with {@code root1} is a prefix of the tree of {@code
   * size2} with {@code root2}.
   */
  public static boolean verifyConsistency(
      long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2) {
    if (size1 < 0 || size2 < size1 || root1.length != HASH || root2.length != HASH) {
      return false;
    }
    if (size1 == size2) {
      return proof.isEmpty() && MessageDigest.isEqual(root1, root2);
    }
    if (size1 == 0) {
      return proof.isEmpty();
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(size1) == 1) {
      // size1 is a power of two: root1 is itself the first node of the path
      path.add(0, root1);
    }
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (c.length != HASH || sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, root1) && MessageDigest.isEqual(sr, root2);
  }

  static byte[] copy(byte[] b) {
    return Arrays.copyOf(b, b.length);
  }
}
