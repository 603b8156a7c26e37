package dev.cairn.bench;

import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.snp.SnpCollateral;
import dev.cairn.attest.tee.snp.SnpPolicyCheck;
import dev.cairn.attest.tee.snp.SnpReport;
import dev.cairn.attest.tee.snp.SnpVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * SEV-SNP verifications per second on the recorded Milan report (go-sev-guest's vector, in
 * cairn-attest's test resources): parsing alone, a full verification with the VCEK only (pinned
 * ASK/ARK) and with the ASK/ARK chain in the collateral (as configfs-tsm's auxblob brings it), on 1
 * and 2 threads. Each phase warms up, then counts for the given seconds. Run from the repository
 * root: bench/run snp [seconds per phase].
 */
public final class SnpBench {
  private SnpBench() {}

  interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path dir = Path.of("cairn-attest/src/test/resources/tee-vectors/sev-snp-milan");
    byte[] raw = Files.readAllBytes(dir.resolve("attestation.bin"));
    byte[] vcek = Files.readAllBytes(dir.resolve("vcek.der"));
    byte[] chain = Files.readAllBytes(dir.resolve("ask_ark_milan.pem"));
    Instant at = Instant.parse("2025-06-01T00:00:00Z");
    SnpVerifier verifier = SnpVerifier.builder().policy(SnpPolicyCheck.permitDebug()).build();
    SnpCollateral vcekOnly = SnpCollateral.of(vcek);
    SnpCollateral withChain = new SnpCollateral(vcek, List.of(chain));
    Op parse = () -> SnpReport.parse(raw);
    Op verifyPinned = () -> check(verifier.verify(SnpReport.parse(raw), vcekOnly, at));
    Op verifyChain = () -> check(verifier.verify(SnpReport.parse(raw), withChain, at));
    System.out.printf(
        "SEV-SNP (Milan vector), %d s per phase, %d cores, %s%n",
        seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    System.out.printf("%-34s %8s %12s %12s%n", "phase", "threads", "ops/s", "us/op");
    for (int threads : new int[] {1, 2}) {
      run("parse", parse, threads, seconds);
      run("verify (VCEK, pinned ASK/ARK)", verifyPinned, threads, seconds);
      run("verify (VCEK + ASK/ARK given)", verifyChain, threads, seconds);
    }
  }

  private static void check(TeeVerification v) {
    if (!(v instanceof TeeVerification.Verified)) {
      throw new IllegalStateException("did not verify: " + v);
    }
  }

  private static void run(String name, Op op, int threads, int seconds) throws Exception {
    measure(op, threads, Math.max(1, seconds / 3)); // warm-up
    long start = System.nanoTime();
    long n = measure(op, threads, seconds);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double perSecond = n / elapsed;
    System.out.printf(
        "%-34s %8d %12.0f %12.1f%n", name, threads, perSecond, 1e6 * threads / perSecond);
  }

  private static long measure(Op op, int threads, int seconds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder count = new LongAdder();
    List<Thread> ts = new ArrayList<>();
    List<Exception> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    op.run();
                    count.increment();
                  }
                } catch (Exception e) {
                  errors.add(e);
                }
              });
      ts.add(t);
      t.start();
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : ts) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
    return count.sum();
  }
}
