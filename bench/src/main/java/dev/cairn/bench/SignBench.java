package dev.cairn.bench;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.steps.Steps;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/**
 * The sign step's time with the attested builder (a measured JVM launched per run, attestation to
 * the embedded service, key released sealed, signing in the workload, the parent storing the
 * signature and provenance) against the local builder (the key in the pipeline's process), on
 * checkout → build → push → sign runs into a real docker-registry on 127.0.0.1. Each run builds a
 * new commit; the modes alternate. Prints the first attested run (which approves the builder and
 * records its class-data archive) apart, then median, min and max of the rest per mode. Run:
 * bench/run sign [runs-per-mode].
 */
public final class SignBench {
  private SignBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path dir = Files.createTempDirectory("cairn-sign-bench");
    LocalRegistry registry = LocalRegistry.plain();
    registry.start(dir.resolve("registry"));
    try {
      Path repo = Files.createDirectories(dir.resolve("app"));
      Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
      Files.createDirectories(repo.resolve(".cairn"));
      Secret pem = CosignKeys.privateKeyPem(CosignKeys.generate().getPrivate());
      CairnHome home = CairnHome.of(dir.resolve("home"));
      List<Long> attested = new ArrayList<>();
      List<Long> local = new ArrayList<>();
      long first = -1;
      try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
          RunEngine engine =
              Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
                  .workspaces(dir.resolve("ws"))
                  .executor(Pipelines.localRunExecutor(Map.of()))
                  .executors(Steps.all(home, Clock.systemUTC()))
                  .secrets(SecretSource.of(Map.of("signing-key", pem)))
                  .start()) {
        for (int i = 0; i <= 2 * runs; i++) {
          String mode = i % 2 == 0 ? "attested" : "local";
          String sign =
              mode.equals("attested")
                  ? "sign: {}\n"
                  : "sign: {attested: false}\n    secrets: {SIGNING_KEY: signing-key}\n";
          Files.writeString(repo.resolve("hello.txt"), "hello " + i + "\n");
          Files.writeString(
              repo.resolve(".cairn/pipeline.yaml"),
              "name: bench\nsteps:\n  - checkout\n  - build\n  - push: {registry: "
                  + registry.address()
                  + ", repository: bench/app, insecure: true}\n  - "
                  + sign);
          git.add().addFilepattern(".").call();
          String commit =
              git.commit()
                  .setMessage("run " + i)
                  .setAuthor("bench", "bench@example.com")
                  .setCommitter("bench", "bench@example.com")
                  .setSign(false)
                  .call()
                  .getName();
          RunRecord r =
              engine.await(
                  engine
                      .submit(
                          RunRequest.of(
                              repo.toUri().toString(),
                              commit,
                              "refs/heads/main",
                              Trigger.manual("bench", commit, "refs/heads/main"),
                              Pipelines.load(repo)))
                      .run()
                      .id(),
                  Duration.ofMinutes(5));
          if (r.state() != RunState.SUCCEEDED) {
            throw new IllegalStateException("run " + i + " " + r.state() + ": " + r.message());
          }
          StepRecord s = r.step("sign").orElseThrow();
          long ms =
              Duration.between(
                      java.util.Objects.requireNonNull(s.started()),
                      java.util.Objects.requireNonNull(s.finished()))
                  .toMillis();
          if (i == 0) {
            first = ms;
          } else {
            (mode.equals("attested") ? attested : local).add(ms);
          }
        }
      }
      System.out.printf("sign step, %d runs per mode (first attested run apart)%n", runs);
      System.out.printf(
          "  attested, first run (approves the builder, records its CDS archive): %d ms%n", first);
      for (String mode : List.of("attested", "local")) {
        List<Long> t = new ArrayList<>(mode.equals("attested") ? attested : local);
        t.sort(null);
        System.out.printf(
            "  %-8s median %5d ms  min %5d ms  max %5d ms  (%s)%n",
            mode, t.get(t.size() / 2), t.get(0), t.get(t.size() - 1), t);
      }
    } finally {
      registry.stop();
    }
  }
}
