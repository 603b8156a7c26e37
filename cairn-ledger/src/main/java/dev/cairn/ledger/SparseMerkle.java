package dev.cairn.ledger;

import dev.cairn.core.Digest;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A sparse Merkle tree of depth 256 over 32-byte keys (a verifiable map, as in Trillian's maps):
 * the key's bits, most significant first, are the path from the root to its leaf. A present key's
 * leaf is {@code SHA-256(0x00 || key || value)}; an absent key's is 32 zero bytes; an inner node is
 * {@code SHA-256(0x01 || left || right)} (RFC 6962's node hash). An empty subtree of any height has
 * a fixed hash, so a map of n keys is computed with about 256·n hashes, and a proof for any key —
 * of membership with its value, or of absence — is the 256 siblings of its path, most of them the
 * empty subtree's.
 *
 * <p>Verification recomputes the root from the leaf and the siblings and fails closed: a proof of
 * absence for a present key cannot verify (its leaf would be the empty one where the map has the
 * key's), nor one against another root. See ADR 0011.
 */
public final class SparseMerkle {
  /** Bits of a key, levels of the tree. */
  public static final int DEPTH = 256;

  /** EMPTY[d]: the hash of an empty subtree whose root is at depth d (EMPTY[256]: a leaf). */
  private static final byte[][] EMPTY = new byte[DEPTH + 1][];

  static {
    EMPTY[DEPTH] = new byte[Merkle.HASH];
    for (int d = DEPTH - 1; d >= 0; d--) {
      EMPTY[d] = Merkle.nodeHash(EMPTY[d + 1], EMPTY[d + 1]);
    }
  }

  private SparseMerkle() {}

  /** The root of the empty map. */
  public static byte[] emptyRoot() {
    return EMPTY[0].clone();
  }

  /** The hash of an empty subtree whose root is at {@code depth} (0: the whole tree). */
  static byte[] empty(int depth) {
    return EMPTY[depth];
  }

  /** {@code SHA-256(0x00 || key || value)}. */
  public static byte[] leafHash(byte[] key, byte[] value) {
    MessageDigest md = Digest.newSha256();
    md.update((byte) 0);
    md.update(key);
    md.update(value);
    return md.digest();
  }

  /** Bit {@code d} of {@code key}, most significant first. */
  static int bit(byte[] key, int d) {
    return (key[d >> 3] >> (7 - (d & 7))) & 1;
  }

  /**
   * A map from 32-byte keys to 32-byte values, kept sorted. Not thread-safe.
   *
   * <p>{@link #root()} and {@link #proof} cost about 256 hashes per key.
   */
  public static final class Map32 {
    private final TreeMap<String, byte[][]> entries = new TreeMap<>();
    private byte @Nullable [] root;

    /** Sets {@code key} to {@code value}; a key already present keeps its first value. */
    public void putIfAbsent(byte[] key, byte[] value) {
      check(key, "key");
      check(value, "value");
      String k = java.util.HexFormat.of().formatHex(key);
      if (!entries.containsKey(k)) {
        entries.put(k, new byte[][] {key.clone(), value.clone()});
        root = null;
      }
    }

    public int size() {
      return entries.size();
    }

    public boolean contains(byte[] key) {
      return entries.containsKey(java.util.HexFormat.of().formatHex(key));
    }

    public byte @Nullable [] get(byte[] key) {
      byte[][] e = entries.get(java.util.HexFormat.of().formatHex(key));
      return e == null ? null : e[1].clone();
    }

    /** The root hash. */
    public byte[] root() {
      byte[] r = root;
      if (r == null) {
        List<byte[][]> l = new ArrayList<>(entries.values());
        r = hash(l, 0, l.size(), 0);
        root = r;
      }
      return r.clone();
    }

    /** The proof for {@code key}: of membership with its value if present, else of absence. */
    public Proof proof(byte[] key) {
      check(key, "key");
      List<byte[][]> l = new ArrayList<>(entries.values());
      byte[][] siblings = new byte[DEPTH][];
      int lo = 0;
      int hi = l.size();
      for (int d = 0; d < DEPTH; d++) {
        int split = split(l, lo, hi, d);
        if (bit(key, d) == 0) {
          siblings[d] = hash(l, split, hi, d + 1);
          hi = split;
        } else {
          siblings[d] = hash(l, lo, split, d + 1);
          lo = split;
        }
      }
      byte[] value = null;
      if (hi - lo == 1 && Arrays.equals(l.get(lo)[0], key)) {
        value = l.get(lo)[1];
      }
      return new Proof(key, value, Arrays.asList(siblings));
    }

    /** Every entry, key to value, in key order. */
    public Map<String, byte[]> entries() {
      Map<String, byte[]> out = new TreeMap<>();
      entries.forEach((k, v) -> out.put(k, v[1].clone()));
      return Collections.unmodifiableMap(out);
    }
  }

  /** The hash of the subtree at {@code depth} holding sorted entries {@code [lo, hi)}. */
  private static byte[] hash(List<byte[][]> l, int lo, int hi, int depth) {
    if (lo == hi) {
      return EMPTY[depth];
    }
    if (depth == DEPTH) {
      return leafHash(l.get(lo)[0], l.get(lo)[1]);
    }
    int split = split(l, lo, hi, depth);
    return Merkle.nodeHash(hash(l, lo, split, depth + 1), hash(l, split, hi, depth + 1));
  }

  /** The first index in {@code [lo, hi)} whose key has bit {@code d} set (sorted keys). */
  private static int split(List<byte[][]> l, int lo, int hi, int d) {
    int a = lo;
    int b = hi;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (bit(l.get(m)[0], d) == 0) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  private static void check(byte[] b, String what) {
    if (b.length != Merkle.HASH) {
      throw new IllegalArgumentException("a map " + what + " is 32 bytes, not " + b.length);
    }
  }

  /**
   * A proof for one key.
   *
   * @param key the 32-byte key
   * @param value its value if the proof is of membership; null: of absence
   * @param siblings the 256 siblings of the key's path, from the root's children down
   */
  public record Proof(byte[] key, byte @Nullable [] value, List<byte[]> siblings) {
    public Proof {
      key = key.clone();
      value = value == null ? null : value.clone();
      siblings = siblings.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    @Override
    public byte @Nullable [] value() {
      return value == null ? null : value.clone();
    }

    /** True for a proof of absence. */
    public boolean absent() {
      return value == null;
    }

    /**
     * Whether this proof holds against {@code root}: the key maps to {@code value} (or, for a proof
     * of absence, to nothing). Fails closed on any malformed part.
     */
    public boolean verify(byte[] root) {
      if (key.length != Merkle.HASH
          || root.length != Merkle.HASH
          || siblings.size() != DEPTH
          || (value != null && value.length != Merkle.HASH)) {
        return false;
      }
      byte[] h = value == null ? EMPTY[DEPTH] : leafHash(key, value);
      for (int d = DEPTH - 1; d >= 0; d--) {
        byte[] s = siblings.get(d);
        if (s.length != Merkle.HASH) {
          return false;
        }
        h = bit(key, d) == 0 ? Merkle.nodeHash(h, s) : Merkle.nodeHash(s, h);
      }
      return MessageDigest.isEqual(h, root);
    }

    /**
     * The siblings that are not the empty subtree's, with a 32-byte bitmap whose bit {@code d}
     * (most significant first) is set where sibling {@code d} is the empty subtree's: how a proof
     * is written down (a map of n keys has about log2(n) non-empty siblings).
     */
    public Compressed compress() {
      byte[] bitmap = new byte[DEPTH / 8];
      List<byte[]> kept = new ArrayList<>();
      for (int d = 0; d < DEPTH; d++) {
        if (Arrays.equals(siblings.get(d), EMPTY[d + 1])) {
          bitmap[d >> 3] |= (byte) (1 << (7 - (d & 7)));
        } else {
          kept.add(siblings.get(d));
        }
      }
      return new Compressed(bitmap, kept);
    }

    /**
     * The proof from its written form.
     *
     * @throws IllegalArgumentException if the bitmap is not 32 bytes or the count of siblings does
     *     not match it
     */
    public static Proof expand(
        byte[] key, byte @Nullable [] value, byte[] emptyBitmap, List<byte[]> kept) {
      if (emptyBitmap.length != DEPTH / 8) {
        throw new IllegalArgumentException("the empty-sibling bitmap is 32 bytes");
      }
      List<byte[]> out = new ArrayList<>(DEPTH);
      int next = 0;
      for (int d = 0; d < DEPTH; d++) {
        if (bit(emptyBitmap, d) == 1) {
          out.add(EMPTY[d + 1]);
        } else {
          if (next >= kept.size()) {
            throw new IllegalArgumentException("fewer siblings than the bitmap says");
          }
          out.add(kept.get(next++));
        }
      }
      if (next != kept.size()) {
        throw new IllegalArgumentException("more siblings than the bitmap says");
      }
      return new Proof(key, value, out);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Proof p
          && Arrays.equals(key, p.key)
          && Arrays.equals(value, p.value)
          && siblings.size() == p.siblings.size()
          && java.util.stream.IntStream.range(0, siblings.size())
              .allMatch(i -> Arrays.equals(siblings.get(i), p.siblings.get(i)));
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "SparseMerkle.Proof["
          + java.util.HexFormat.of().formatHex(key)
          + (value == null ? " absent" : " present")
          + "]";
    }
  }

  /**
   * A proof as written down.
   *
   * @param emptyBitmap bit d set: sibling d is the empty subtree's
   * @param siblings the other siblings, from the root's children down
   */
  public record Compressed(byte[] emptyBitmap, List<byte[]> siblings) {
    public Compressed {
      emptyBitmap = emptyBitmap.clone();
      siblings = siblings.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] emptyBitmap() {
      return emptyBitmap.clone();
    }
  }
}
