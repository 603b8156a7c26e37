package dev.cairn.ledger.internal;

import dev.cairn.ledger.Merkle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only Merkle tree in memory: for each level k, the hashes of the complete subtrees of
 * 2^k leaves, so appends are O(log n) and roots and proofs for any size are O(log² n).
 */
public final class HashTree {
  /** levels.get(k) holds count(k) hashes of 32 bytes, back to back. */
  private final List<byte[]> levels = new ArrayList<>();

  private final List<Integer> counts = new ArrayList<>();

  public long size() {
    return counts.isEmpty() ? 0 : counts.get(0);
  }

  public void append(byte[] leafHash) {
    byte[] h = leafHash;
    for (int k = 0; ; k++) {
      put(k, h);
      int c = counts.get(k);
      if ((c & 1) == 1) {
        return;
      }
      h = Merkle.nodeHash(get(k, c - 2), get(k, c - 1));
    }
  }

  private void put(int level, byte[] h) {
    while (levels.size() <= level) {
      levels.add(new byte[Merkle.HASH * 64]);
      counts.add(0);
    }
    byte[] arr = levels.get(level);
    int c = counts.get(level);
    if ((c + 1) * Merkle.HASH > arr.length) {
      arr = Arrays.copyOf(arr, Math.max(arr.length * 2, (c + 1) * Merkle.HASH));
      levels.set(level, arr);
    }
    System.arraycopy(h, 0, arr, c * Merkle.HASH, Merkle.HASH);
    counts.set(level, c + 1);
  }

  private byte[] get(int level, long index) {
    int off = Math.toIntExact(index * Merkle.HASH);
    return Arrays.copyOfRange(levels.get(level), off, off + Merkle.HASH);
  }

  public byte[] leaf(long index) {
    return get(0, index);
  }

  /** MTH(D[from:to]). */
  byte[] hash(long from, long to) {
    long n = to - from;
    if (Long.bitCount(n) == 1 && from % n == 0) {
      return get(Long.numberOfTrailingZeros(n), from / n);
    }
    long k = Long.highestOneBit(n - 1);
    return Merkle.nodeHash(hash(from, from + k), hash(from + k, to));
  }

  /** The root of the first {@code size} leaves. */
  public byte[] root(long size) {
    check(size);
    return size == 0 ? Merkle.emptyRoot() : hash(0, size);
  }

  /** The audit path of leaf {@code index} in the tree of {@code size} (RFC 9162 §2.1.3.1). */
  public List<byte[]> inclusionProof(long index, long size) {
    check(size);
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    List<byte[]> out = new ArrayList<>();
    path(index, 0, size, out);
    return out;
  }

  private void path(long m, long from, long to, List<byte[]> out) {
    long n = to - from;
    if (n == 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(m, from, from + k, out);
      out.add(hash(from + k, to));
    } else {
      path(m - k, from + k, to, out);
      out.add(hash(from, from + k));
    }
  }

  /** The consistency proof from {@code size1} to {@code size2} (RFC 9162 §2.1.4.1). */
  public List<byte[]> consistencyProof(long size1, long size2) {
    check(size2);
    if (size1 < 0 || size1 > size2) {
      throw new IllegalArgumentException("no consistency proof from " + size1 + " to " + size2);
    }
    List<byte[]> out = new ArrayList<>();
    if (size1 == 0 || size1 == size2) {
      return out;
    }
    subproof(size1, 0, size2, true, out);
    return out;
  }

  private void subproof(long m, long from, long to, boolean complete, List<byte[]> out) {
    long n = to - from;
    if (m == n) {
      if (!complete) {
        out.add(hash(from, to));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(m, from, from + k, complete, out);
      out.add(hash(from + k, to));
    } else {
      subproof(m - k, from + k, to, false, out);
      out.add(hash(from, from + k));
    }
  }

  private void check(long size) {
    if (size < 0 || size > size()) {
      throw new IllegalArgumentException("tree has " + size() + " leaves, not " + size);
    }
  }
}
