package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.cairn.core.Digest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The revocation map's sparse Merkle tree: proofs of absence verify for keys not in the map, and
 * cannot be made to verify for keys in it; roots agree with a naive reference built from the
 * definition; and the same properties, run against deliberately broken verifiers, catch each of
 * them (so the properties can fail).
 */
class SparseMerkleTest {
  static final int EXAMPLES = 200;

  /**
   * A map of {@code n} keys drawn from {@code seed}, and a probe key that is one of them or not.
   */
  record Case(int n, long seed, boolean member) {
    List<byte[]> keys() {
      Random r = new Random(seed);
      List<byte[]> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] k = new byte[32];
        r.nextBytes(k);
        if (i > 0 && i % 5 == 0) {
          // keys sharing a long prefix with the previous one: deep splits
          k = out.get(i - 1).clone();
          k[31] ^= (byte) (1 + r.nextInt(255));
        }
        out.add(k);
      }
      return out;
    }

    byte[] probe() {
      List<byte[]> keys = keys();
      if (member && !keys.isEmpty()) {
        return keys.get((int) Math.floorMod(seed, keys.size()));
      }
      byte[] p = Digest.sha256Bytes(("probe " + seed).getBytes());
      if (!keys.isEmpty() && seed % 3 == 0) {
        // a near miss: the last bit of a member flipped
        p = keys.get(0).clone();
        p[31] ^= 1;
      }
      return p;
    }
  }

  static Gen<Case> cases() {
    return integers()
        .between(0, 40)
        .zip(longs().all(), integers().between(0, 1), (n, s, m) -> new Case(n, s, m == 1));
  }

  static byte[] value(byte[] key) {
    return Digest.sha256Bytes(key);
  }

  static SparseMerkle.Map32 map(List<byte[]> keys) {
    SparseMerkle.Map32 m = new SparseMerkle.Map32();
    keys.forEach(k -> m.putIfAbsent(k, value(k)));
    return m;
  }

  /** A verifier of proofs: the real one, or a broken one. */
  interface Verify {
    boolean verify(SparseMerkle.Proof p, byte[] root);
  }

  static final Verify REAL = SparseMerkle.Proof::verify;

  /**
   * The properties of one case, against {@code v}: true when all hold. A proof for a key not in the
   * map shows absence and verifies; one for a key in it shows membership and verifies; an absence
   * claim for a member, a membership claim for a non-member, a proof with a sibling altered, and a
   * proof against the root of a map with one key more all fail.
   */
  static boolean holds(Case c, Verify v) {
    List<byte[]> keys = c.keys();
    SparseMerkle.Map32 m = map(keys);
    byte[] root = m.root();
    byte[] probe = c.probe();
    boolean member = m.contains(probe);
    SparseMerkle.Proof p = m.proof(probe);
    if (p.absent() == member || !v.verify(p, root)) {
      return false;
    }
    // the other claim for the same key, on the same path, never verifies
    SparseMerkle.Proof flipped =
        new SparseMerkle.Proof(probe, member ? null : value(probe), p.siblings());
    if (v.verify(flipped, root)) {
      return false;
    }
    // a member's path claimed for another key fails (absence of a key is bound to that key)
    if (member) {
      byte[] other = probe.clone();
      other[0] ^= (byte) 0x80;
      if (!m.contains(other) && v.verify(new SparseMerkle.Proof(other, null, p.siblings()), root)) {
        return false;
      }
    }
    List<byte[]> bad = new ArrayList<>(p.siblings());
    int d = (int) Math.floorMod(c.seed(), SparseMerkle.DEPTH);
    byte[] s = bad.get(d).clone();
    s[7] ^= 4;
    bad.set(d, s);
    if (v.verify(new SparseMerkle.Proof(probe, p.value(), bad), root)) {
      return false;
    }
    // revoking one more certificate changes the root: an absence proof from before does not
    // verify against the new map (it must be made again, and for the new key cannot be)
    byte[] extra = Digest.sha256Bytes(("extra " + c.seed()).getBytes());
    SparseMerkle.Map32 grown = map(keys);
    grown.putIfAbsent(extra, value(extra));
    SparseMerkle.Proof stale = m.proof(extra);
    if (v.verify(stale, grown.root())) {
      return false;
    }
    SparseMerkle.Proof now = grown.proof(extra);
    if (now.absent() || !v.verify(now, grown.root())) {
      return false;
    }
    // and the written form reads back to the same proof
    SparseMerkle.Compressed z = p.compress();
    return SparseMerkle.Proof.expand(probe, p.value(), z.emptyBitmap(), z.siblings()).equals(p);
  }

  @Test
  void proofs_ofAbsenceVerifyForNonMembers_andNeverForMembers() {
    AtomicInteger checked = new AtomicInteger();
    qt().withExamples(EXAMPLES)
        .forAll(cases())
        .checkAssert(
            c -> {
              checked.incrementAndGet();
              assertThat(holds(c, REAL)).as("%s", c).isTrue();
            });
    assertThat(checked.get()).isGreaterThanOrEqualTo(EXAMPLES / 2);
  }

  /** The root from the definition: every leaf of the 2^256 ... by recursion over the key set. */
  static byte[] naiveRoot(List<byte[]> keys, int depth, String prefix) {
    List<byte[]> here = new ArrayList<>();
    for (byte[] k : keys) {
      if (bits(k).startsWith(prefix)) {
        here.add(k);
      }
    }
    if (depth == SparseMerkle.DEPTH) {
      return here.isEmpty() ? new byte[32] : SparseMerkle.leafHash(here.get(0), value(here.get(0)));
    }
    if (here.isEmpty()) {
      // an empty subtree: computed the long way once per height, then remembered
      return emptyOf(depth);
    }
    return Merkle.nodeHash(
        naiveRoot(here, depth + 1, prefix + "0"), naiveRoot(here, depth + 1, prefix + "1"));
  }

  private static final byte[][] EMPTY = new byte[SparseMerkle.DEPTH + 1][];

  static byte[] emptyOf(int depth) {
    if (EMPTY[depth] == null) {
      EMPTY[depth] =
          depth == SparseMerkle.DEPTH
              ? new byte[32]
              : Merkle.nodeHash(emptyOf(depth + 1), emptyOf(depth + 1));
    }
    return EMPTY[depth];
  }

  static String bits(byte[] k) {
    StringBuilder b = new StringBuilder();
    for (byte x : k) {
      for (int i = 7; i >= 0; i--) {
        b.append((x >> i) & 1);
      }
    }
    return b.toString();
  }

  @Test
  void roots_matchANaiveReferenceFromTheDefinition() {
    qt().withExamples(25)
        .forAll(cases())
        .checkAssert(
            c ->
                assertThat(HexFormat.of().formatHex(map(c.keys()).root()))
                    .as("%s", c)
                    .isEqualTo(HexFormat.of().formatHex(naiveRoot(c.keys(), 0, ""))));
  }

  @Test
  void emptyRoot_isTheKnownAnswer() {
    // 256 levels of SHA-256(0x01 || e || e) over 32 zero bytes
    assertThat(SparseMerkle.emptyRoot()).isEqualTo(emptyOf(0));
    assertThat(new SparseMerkle.Map32().root()).isEqualTo(SparseMerkle.emptyRoot());
    SparseMerkle.Proof p = new SparseMerkle.Map32().proof(new byte[32]);
    assertThat(p.absent()).isTrue();
    assertThat(p.compress().siblings()).isEmpty();
    assertThat(p.verify(SparseMerkle.emptyRoot())).isTrue();
  }

  /** Broken verifiers the properties must catch. */
  static final List<Verify> MUTANTS =
      List.of(
          // bits read least significant first
          (p, root) -> recompute(p, root, true, false, 0),
          // children swapped
          (p, root) -> recompute(p, root, false, true, 0),
          // the root's own level skipped
          (p, root) -> recompute(p, root, false, false, 1),
          // an absence claim accepted whenever the path is well formed
          (p, root) -> p.absent() ? p.siblings().size() == 256 : p.verify(root));

  static boolean recompute(
      SparseMerkle.Proof p, byte[] root, boolean lsbFirst, boolean swap, int skipTop) {
    byte[] key = p.key();
    byte @Nullable [] v = p.value();
    byte[] h = v == null ? new byte[32] : SparseMerkle.leafHash(key, v);
    for (int d = 255; d >= skipTop; d--) {
      int bit = lsbFirst ? (key[31 - (d >> 3)] >> (d & 7)) & 1 : SparseMerkle.bit(key, d);
      byte[] s = p.siblings().get(d);
      boolean left = (bit == 0) != swap;
      h = left ? Merkle.nodeHash(h, s) : Merkle.nodeHash(s, h);
    }
    return java.security.MessageDigest.isEqual(h, root);
  }

  @Test
  void properties_catchEveryBrokenVerifier() {
    for (int i = 0; i < MUTANTS.size(); i++) {
      Verify broken = MUTANTS.get(i);
      boolean caught = false;
      for (int n = 1; n <= 12 && !caught; n++) {
        for (long seed = 0; seed < 6 && !caught; seed++) {
          caught = !holds(new Case(n, seed, seed % 2 == 0), broken);
        }
      }
      assertThat(caught).as("mutant %d is caught", i).isTrue();
    }
  }

  @Test
  void expand_refusesAProofThatDoesNotMatchItsBitmap() {
    SparseMerkle.Map32 m = map(new Case(5, 9, false).keys());
    SparseMerkle.Proof p = m.proof(new byte[32]);
    SparseMerkle.Compressed z = p.compress();
    assertThatThrownBy(
            () -> SparseMerkle.Proof.expand(new byte[32], null, new byte[31], z.siblings()))
        .hasMessage("the empty-sibling bitmap is 32 bytes");
    List<byte[]> more = new ArrayList<>(z.siblings());
    more.add(new byte[32]);
    assertThatThrownBy(() -> SparseMerkle.Proof.expand(new byte[32], null, z.emptyBitmap(), more))
        .hasMessage("more siblings than the bitmap says");
    assertThatThrownBy(
            () ->
                SparseMerkle.Proof.expand(
                    new byte[32],
                    null,
                    z.emptyBitmap(),
                    z.siblings().subList(1, z.siblings().size())))
        .hasMessage("fewer siblings than the bitmap says");
  }
}
