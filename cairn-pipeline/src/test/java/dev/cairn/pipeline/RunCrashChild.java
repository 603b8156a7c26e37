package dev.cairn.pipeline;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process of {@link RunCrashIT}: runs pipelines for ever and prints {@code ack DELIVERY ID}
 * when a submission returns, {@code dup DELIVERY ID} for a delivery submitted again, and {@code
 * done ID STATE} when a run's finished record is written; until it is killed.
 */
public final class RunCrashChild {
  private RunCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path runs = Path.of(args[0]);
    Path ws = Path.of(args[1]);
    int start = Integer.parseInt(args[2]);
    PipelineDefinition d =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            """
            retention: {keepSuccessful: 100000, keepFailed: 100000}
            steps:
              - name: one
                run: {command: [sh, -c, "echo step-one $CAIRN_RUN_ID"]}
              - name: two
                run: {command: [sh, -c, "echo step-two $CAIRN_RUN_ID; sleep 0.02; echo two-done"]}
              - name: three
                run: {command: [sh, -c, "echo step-three $CAIRN_RUN_ID"]}
            """);
    RunListener listener =
        new RunListener() {
          @Override
          public void changed(RunRecord run) {
            if (run.state().finished()) {
              print("done " + run.id() + " " + run.state().id());
            }
          }
        };
    try (RunEngine e =
        Pipelines.engine(Pipelines.fileStore(runs))
            .workspaces(ws)
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .maxConcurrentRuns(2)
            .listener(listener)
            .start()) {
      for (int k = Math.max(0, start - 3); k < start; k++) {
        print("dup d-" + k + " " + e.submit(request(d, k)).run().id());
      }
      for (int n = start; ; n += 2) {
        String a = e.submit(request(d, n)).run().id();
        print("ack d-" + n + " " + a);
        String b = e.submit(request(d, n + 1)).run().id();
        print("ack d-" + (n + 1) + " " + b);
        e.await(a, Duration.ofMinutes(1));
        e.await(b, Duration.ofMinutes(1));
      }
    }
  }

  static RunRequest request(PipelineDefinition d, int n) {
    String commit = String.format("%08x", 0x10000000 + n);
    String ref = "refs/heads/b" + (n % 3);
    return RunRequest.of(
        "file:///crash/app", commit, ref, new Trigger("github", "d-" + n, "crash", commit, ref), d);
  }

  static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
