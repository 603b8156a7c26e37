package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.cairn.ledger.internal.HashTree;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class MerkleTest {
  /** RFC 6962 test leaves used by the Certificate Transparency reference implementations. */
  static final String[] LEAVES = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"
  };

  static final String[] ROOTS = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
  };

  static HashTree tree(int n) {
    HashTree t = new HashTree();
    for (int i = 0; i < n; i++) {
      t.append(Merkle.leafHash(("leaf-" + i).getBytes()));
    }
    return t;
  }

  @Test
  void roots_matchRfc6962KnownAnswers() {
    HashTree t = new HashTree();
    List<byte[]> leaves = new ArrayList<>();
    assertThat(HexFormat.of().formatHex(t.root(0)))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (int i = 0; i < LEAVES.length; i++) {
      byte[] h = Merkle.leafHash(HexFormat.of().parseHex(LEAVES[i]));
      t.append(h);
      leaves.add(h);
      assertThat(HexFormat.of().formatHex(t.root(i + 1)))
          .as("root of %d leaves", i + 1)
          .isEqualTo(ROOTS[i]);
      assertThat(HexFormat.of().formatHex(Merkle.rootOf(leaves))).isEqualTo(ROOTS[i]);
    }
    for (int n = 1; n <= 8; n++) {
      assertThat(HexFormat.of().formatHex(t.root(n))).isEqualTo(ROOTS[n - 1]);
    }
  }

  @Test
  void proofs_knownShapes() {
    HashTree t = tree(7);
    // leaf 0 of 7: 3 siblings; leaf 6 of 7: 2 (the last leaf of a 7-tree sits at depth 2)
    assertThat(t.inclusionProof(0, 7)).hasSize(3);
    assertThat(t.inclusionProof(6, 7)).hasSize(2);
    assertThat(t.consistencyProof(4, 7)).hasSize(1); // 4 is a power of two: the old root is implied
    assertThat(t.consistencyProof(3, 7)).hasSize(4);
    assertThat(t.consistencyProof(7, 7)).isEmpty();
  }

  /** Trees of up to 260 leaves: past 256, so proofs of 9 levels and ragged right edges. */
  static final int MAX_LEAVES = 260;

  /**
   * Cases generated per property, every one valid: built in range rather than filtered (the
   * filtered version kept about 60 and 150 of its 300 tries). QuickTheories skips a case it has
   * already tried, so at least {@link #MIN_CHECKED} distinct cases must have been checked. A
   * failure reports the smallest case it shrank to and the seed; {@code -DQT_SEED=<seed>} replays
   * that run.
   */
  static final int EXAMPLES = 500;

  static final int MIN_CHECKED = 300;

  /**
   * A tree of {@code n} leaves, a prefix of it of {@code size} leaves, and a leaf {@code i} in it.
   */
  record Inclusion(int n, int size, int i) {}

  /** Tree sizes {@code m <= n}. */
  record Consistency(int m, int n) {}

  /** Shrinks towards one leaf, a one-leaf prefix and leaf 0. */
  static Gen<Inclusion> inclusions() {
    return integers()
        .between(1, MAX_LEAVES)
        .flatMap(
            n ->
                integers()
                    .between(1, n)
                    .flatMap(
                        size ->
                            integers().between(0, size - 1).map(i -> new Inclusion(n, size, i))));
  }

  static Gen<Consistency> consistencies() {
    return integers()
        .between(1, MAX_LEAVES)
        .flatMap(n -> integers().between(1, n).map(m -> new Consistency(m, n)));
  }

  @Test
  void inclusion_verifiesForEveryLeafAndSize() {
    AtomicInteger checked = new AtomicInteger();
    qt().withExamples(EXAMPLES)
        .forAll(inclusions())
        .checkAssert(
            c -> {
              checked.incrementAndGet();
              inclusionHolds(c.n(), c.size(), c.i());
            });
    assertThat(checked.get()).as("examples checked").isGreaterThanOrEqualTo(MIN_CHECKED);
  }

  private static void inclusionHolds(int n, int size, int i) {
    HashTree t = tree(n);
    List<byte[]> proof = t.inclusionProof(i, size);
    byte[] root = t.root(size);
    assertThat(Merkle.verifyInclusion(i, size, t.leaf(i), proof, root)).as("verifies").isTrue();
    // fails closed: wrong leaf, wrong index, wrong size, wrong root, altered or shortened proof
    assertThat(Merkle.verifyInclusion(i, size, Merkle.leafHash(new byte[] {9}), proof, root))
        .as("other leaf")
        .isFalse();
    if (size > 1) {
      assertThat(Merkle.verifyInclusion((i + 1) % size, size, t.leaf(i), proof, root))
          .as("other index")
          .isFalse();
      List<byte[]> bad = new ArrayList<>(proof);
      byte[] b = bad.get(0).clone();
      b[0] ^= 1;
      bad.set(0, b);
      assertThat(Merkle.verifyInclusion(i, size, t.leaf(i), bad, root))
          .as("altered proof")
          .isFalse();
      assertThat(
              Merkle.verifyInclusion(i, size, t.leaf(i), proof.subList(0, proof.size() - 1), root))
          .as("shortened proof")
          .isFalse();
    }
    if (size < n) {
      // a proof is bound to its tree: it does not verify against the next tree's root
      assertThat(Merkle.verifyInclusion(i, size + 1, t.leaf(i), proof, t.root(size + 1)))
          .as("next tree")
          .isFalse();
    }
    // and to its size: the same root claimed for a tree twice as large needs a longer path
    assertThat(Merkle.verifyInclusion(i, 2L * size, t.leaf(i), proof, root))
        .as("same root, claimed size doubled")
        .isFalse();
  }

  @Test
  void consistency_verifiesBetweenEverySizes() {
    AtomicInteger checked = new AtomicInteger();
    qt().withExamples(EXAMPLES)
        .forAll(consistencies())
        .checkAssert(
            c -> {
              checked.incrementAndGet();
              consistencyHolds(c.m(), c.n());
            });
    assertThat(checked.get()).as("examples checked").isGreaterThanOrEqualTo(MIN_CHECKED);
  }

  private static void consistencyHolds(int m, int n) {
    HashTree t = tree(n);
    List<byte[]> proof = t.consistencyProof(m, n);
    assertThat(Merkle.verifyConsistency(m, n, proof, t.root(m), t.root(n))).as("verifies").isTrue();
    // bound to the new size: the same roots claimed for a tree twice as large need a longer path
    assertThat(Merkle.verifyConsistency(m, 2L * n, proof, t.root(m), t.root(n)))
        .as("same roots, new size doubled")
        .isFalse();
    if (m < n) {
      assertThat(Merkle.verifyConsistency(m, n, proof, t.root(m), t.root(n - 1)))
          .as("other new root")
          .isFalse();
      byte[] forged = t.root(m).clone();
      forged[5] ^= 1;
      assertThat(Merkle.verifyConsistency(m, n, proof, forged, t.root(n)))
          .as("forged old root")
          .isFalse();
      List<byte[]> bad = new ArrayList<>(proof);
      byte[] b = bad.get(bad.size() - 1).clone();
      b[31] ^= 1;
      bad.set(bad.size() - 1, b);
      assertThat(Merkle.verifyConsistency(m, n, bad, t.root(m), t.root(n)))
          .as("altered proof")
          .isFalse();
    }
  }
}
