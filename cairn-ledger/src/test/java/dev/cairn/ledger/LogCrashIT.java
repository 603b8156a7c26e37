package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child process in the middle of appending, many times, and checks after each kill that
 * every acknowledged entry is there, the log opens, its checkpoint verifies, and it is consistent
 * with every earlier checkpoint.
 */
class LogCrashIT {
  @TempDir Path dir;

  @Test
  void killedMidAppend_neverLosesOrCorruptsAcknowledgedEntries() throws Exception {
    NoteSigner key = NoteSigner.generate("cairn-crash-test");
    Random random = new Random(42);
    List<long[]> acked = new ArrayList<>(); // {index, n}
    Checkpoint previous = null;
    int next = 0;
    int kills = 25;
    for (int round = 0; round < kills; round++) {
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashChild.class.getName(),
                  dir.toString(),
                  Base64.getEncoder().encodeToString(key.pkcs8()),
                  Base64.getEncoder().encodeToString(key.publicKey()),
                  Integer.toString(next))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
      // let it append for a while, then kill -9 it wherever it is
      int want = 5 + random.nextInt(40);
      String line;
      int got = 0;
      while (got < want && (line = out.readLine()) != null) {
        String[] p = line.split(" ");
        acked.add(new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
        next = Integer.parseInt(p[2]) + 1;
        got++;
      }
      // not a wait for anything: the kill lands 0-2 ms later at a random point of an append
      java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(3) * 1_000_000L);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      next += 10; // skip numbers an unacknowledged append may have used
      try (TransparencyLog log = TransparencyLog.open(dir, key)) {
        Checkpoint cp = log.checkpoint();
        NoteSigner.verify(cp.signedNote(), key.verifierKey());
        for (long[] a : acked) {
          assertThat(log.size()).isGreaterThan(a[0]);
          LedgerEntry e = log.entry(a[0]);
          String cert = e.certificate().toString();
          assertThat(cert)
              .isEqualTo(
                  Digest.sha256("cert-" + (a[1] % 7 == 0 ? a[1] + 1_000_000 : a[1])).toString());
        }
        if (previous != null) {
          assertThat(cp.size()).isGreaterThanOrEqualTo(previous.size());
          assertThat(
                  Merkle.verifyConsistency(
                      previous.size(),
                      cp.size(),
                      log.consistencyProof(previous.size(), cp.size()),
                      previous.root(),
                      cp.root()))
              .isTrue();
        }
        previous = cp;
      }
    }
    assertThat(acked.size()).isGreaterThan(kills * 5);
  }
}
