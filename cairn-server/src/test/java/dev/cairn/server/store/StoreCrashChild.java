package dev.cairn.server.store;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.RunStoreContract;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.StepState;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes runs, logs, certificates and scans to the database at {@code args[0]} in a loop, as fast
 * as it can, printing {@code run ID}, {@code cert ID} once each is committed, until it is killed.
 * {@code args[1]} makes ids unique across children. With {@code args[2] = "stall"} the child stops
 * inside its first run, once that run is committed as RUNNING, printing {@code running ID}: a kill
 * then certainly lands inside a run, however fast the machine is.
 */
public final class StoreCrashChild {
  private StoreCrashChild() {}

  /** A certificate body that says its own digest, so a torn one shows. */
  static String certificateJson(String id, int size) {
    String payload = ("certificate " + id + " ").repeat(Math.max(1, size / 20));
    return Json.canonical(
        Map.of("id", id, "payload", payload, "sha256", Digest.sha256(payload).hex()));
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String prefix = args[1];
    boolean stall = args.length > 2 && args[2].equals("stall");
    Random random = new Random(prefix.hashCode());
    try (Storage storage = Storage.open(Database.open(args[0]), Clock.systemUTC())) {
      RunStore runs = storage.runs();
      for (int n = 0; ; n++) {
        RunRecord r =
            runs.create(
                    RunStoreContract.draft(
                        String.format("%04x%08x", prefix.hashCode() & 0xffff, n), prefix + "-" + n),
                    "x")
                .record();
        out.println("run " + r.id());
        Instant t = Instant.now();
        List<StepRecord> steps = new ArrayList<>(r.steps());
        steps.set(0, steps.get(0).started(t, 1));
        r = r.next(RunState.RUNNING, t, null, steps, "", null);
        runs.update(r);
        if (stall) {
          out.println("running " + r.id());
          Thread.sleep(Long.MAX_VALUE);
        }
        try (OutputStream log = runs.appendLog(r.id(), "00-a.log")) {
          byte[] line = ("step-a " + r.id() + "\n").getBytes(StandardCharsets.UTF_8);
          for (int i = 0; i < 50; i++) {
            log.write(line);
          }
        }
        steps.set(0, steps.get(0).finished(StepState.SUCCEEDED, t, 0, "exited with 0", Map.of()));
        steps.set(1, steps.get(1).started(t, 1));
        r = r.next(RunState.RUNNING, t, null, steps, "", null);
        runs.update(r);
        steps.set(1, steps.get(1).finished(StepState.SUCCEEDED, t, 0, "exited with 0", Map.of()));
        r = r.next(RunState.SUCCEEDED, t, t, steps, "succeeded", null);
        runs.update(r);
        out.println("done " + r.id());
        String id = prefix + "-cert-" + n;
        storage
            .certificates()
            .add(
                new CertificateStore.StoredCertificate(
                    id,
                    "sha256:" + prefix,
                    t,
                    t.plusSeconds(86400),
                    CertificateStore.Status.VALID,
                    null,
                    null,
                    certificateJson(id, 20_000 + random.nextInt(200_000)),
                    "log:embedded#" + n));
        out.println("cert " + id);
        storage
            .scans()
            .add(
                new ScanStore.Scan(
                    0, "c" + prefix, t, Map.of("cis", Map.of("high", n)), "{\"n\":" + n + "}"));
      }
    }
  }
}
