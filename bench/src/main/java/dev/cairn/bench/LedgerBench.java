package dev.cairn.bench;

import dev.cairn.core.Digest;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.Merkle;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.TransparencyLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The embedded transparency log at 10k and 1M entries: durable single appends/s (one fsync and one
 * signed checkpoint each), batched appends/s, inclusion and consistency proof verifications/s, and
 * the time to reopen (recover) the log. Run: bench/run ledger [sizes...].
 */
public final class LedgerBench {
  private LedgerBench() {}

  static LedgerEntry.Issued entry(long i) {
    Instant t = Instant.parse("2026-11-23T00:00:00Z");
    return new LedgerEntry.Issued(
        Digest.sha256("cluster-" + (i % 100)),
        Digest.sha256("cert-" + i),
        t,
        t.plusSeconds(86_400),
        "cert-" + i + ".json",
        new byte[128]);
  }

  public static void main(String[] args) throws Exception {
    long[] sizes =
        args.length == 0
            ? new long[] {10_000, 1_000_000}
            : java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
    NoteSigner key = NoteSigner.generate("cairn-bench-log");
    System.out.printf(
        "%-10s %-16s %-16s %-18s %-18s %-12s%n",
        "entries",
        "appends/s (1)",
        "appends/s (1000)",
        "inclusion verif/s",
        "consistency verif/s",
        "reopen s");
    for (long size : sizes) {
      Path dir = Files.createTempDirectory("cairn-ledger-bench");
      long n = 0;
      double batchRate;
      try (TransparencyLog log = TransparencyLog.open(dir, key)) {
        long t0 = System.nanoTime();
        while (n < size - 1_000) {
          List<LedgerEntry> batch = new ArrayList<>(1_000);
          for (int i = 0; i < 1_000; i++) {
            batch.add(entry(n++));
          }
          log.appendAll(batch);
        }
        batchRate = n / ((System.nanoTime() - t0) / 1e9);
      }
      double singleRate;
      double inclRate;
      double consRate;
      double reopen;
      long r0 = System.nanoTime();
      try (TransparencyLog log = TransparencyLog.open(dir, key)) {
        reopen = (System.nanoTime() - r0) / 1e9;
        long t0 = System.nanoTime();
        int singles = 300;
        for (int i = 0; i < singles; i++) {
          log.issue(entry(n++));
        }
        singleRate = singles / ((System.nanoTime() - t0) / 1e9);
        Checkpoint cp = log.checkpoint();
        Random rnd = new Random(1);
        int proofs = 20_000;
        long v0 = System.nanoTime();
        for (int i = 0; i < proofs; i++) {
          long idx = Math.floorMod(rnd.nextLong(), cp.size());
          List<byte[]> p = log.inclusionProof(idx, cp.size());
          if (!Merkle.verifyInclusion(
              idx, cp.size(), Merkle.leafHash(log.entryBytes(idx)), p, cp.root())) {
            throw new IllegalStateException("proof failed");
          }
        }
        inclRate = proofs / ((System.nanoTime() - v0) / 1e9);
        long c0 = System.nanoTime();
        for (int i = 0; i < proofs; i++) {
          long old = 1 + Math.floorMod(rnd.nextLong(), cp.size() - 1);
          byte[] oldRoot = log.rootAt(old);
          if (!Merkle.verifyConsistency(
              old, cp.size(), log.consistencyProof(old, cp.size()), oldRoot, cp.root())) {
            throw new IllegalStateException("consistency failed");
          }
        }
        consRate = proofs / ((System.nanoTime() - c0) / 1e9);
      }
      System.out.printf(
          "%-10d %-16.0f %-16.0f %-18.0f %-18.0f %-12.2f%n",
          size, singleRate, batchRate, inclRate, consRate, reopen);
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
