package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.DeployTarget;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.Trigger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy step through the real run engine: it hands the SPI the pushed image, the manifests in
 * the workspace, the commit and who; it fails the step when the target reports a failed rollout,
 * and names a target that does not exist.
 */
class DeployStepTest {
  static final String IMAGE = "127.0.0.1:5000/team/shop@sha256:" + "ab".repeat(32);
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;
  final List<DeployTarget.Order> orders = new ArrayList<>();
  final List<RunEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(RunEngine::close);
  }

  /** Stands in for the push step: its only output is the image the deploy step reads. */
  static final StepExecutor PUSH =
      new StepExecutor() {
        @Override
        public StepKind kind() {
          return StepKind.PUSH;
        }

        @Override
        public StepResult execute(StepContext ctx) {
          return StepResult.succeeded(Map.of("image", IMAGE));
        }
      };

  RunEngine engine(boolean rollsOut) throws Exception {
    DeployTarget.Lookup lookup =
        name ->
            name.equals("staging")
                ? Optional.of(
                    order -> {
                      orders.add(order);
                      order.log().accept("deploying to " + order.target());
                      return rollsOut
                          ? new DeployTarget.Outcome(true, 4, "deployed rev 4 to staging")
                          : new DeployTarget.Outcome(
                              false,
                              5,
                              "rev 5 failed to roll out: CrashLoopBackOff; rolled back to rev 4");
                    })
                : Optional.empty();
    RunEngine e =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .executor(PUSH)
            .executor(Steps.deploy(lookup))
            .pollInterval(Duration.ofMillis(20))
            .start();
    engines.add(e);
    return e;
  }

  static RunRequest request(String target) throws Exception {
    PipelineDefinition d =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            "steps:\n"
                + "  - run: {command: [sh, -c, \"mkdir -p deploy && echo '{}' > deploy/app.yaml\"]}\n"
                + "  - push: {}\n"
                + "  - deploy: {target: "
                + target
                + ", manifests: [deploy/app.yaml]}\n"
                + "    retries: 0\n");
    return RunRequest.of(
        "file:///repo/shop",
        COMMIT,
        "refs/heads/main",
        new Trigger("github", "d-1", "alice", COMMIT, "refs/heads/main"),
        d);
  }

  @Test
  void deployStep_handsTheTargetThePushedImageAndTheManifests() throws Exception {
    RunEngine e = engine(true);
    RunRecord r = e.await(e.submit(request("staging")).run().id(), Duration.ofSeconds(60));
    assertThat(r.state()).as(r.message()).isEqualTo(RunState.SUCCEEDED);
    assertThat(orders).hasSize(1);
    DeployTarget.Order o = orders.get(0);
    assertThat(o.target()).isEqualTo("staging");
    assertThat(o.image()).isEqualTo(IMAGE);
    assertThat(o.commit()).isEqualTo(COMMIT);
    assertThat(o.who()).startsWith("pipeline run ");
    assertThat(o.manifests())
        .singleElement()
        .satisfies(p -> assertThat(p.toString()).endsWith("/deploy/app.yaml"));
    assertThat(r.steps().get(2).message()).isEqualTo("deployed rev 4 to staging");
  }

  @Test
  void deployStep_failedRollout_failsTheStepWithTheReason() throws Exception {
    RunEngine e = engine(false);
    RunRecord r = e.await(e.submit(request("staging")).run().id(), Duration.ofSeconds(60));
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.steps().get(2).message())
        .isEqualTo("rev 5 failed to roll out: CrashLoopBackOff; rolled back to rev 4");
  }

  @Test
  void deployStep_unknownTarget_isNamed() throws Exception {
    RunEngine e = engine(true);
    RunRecord r = e.await(e.submit(request("nope")).run().id(), Duration.ofSeconds(60));
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.steps().get(2).message()).contains("there is no deploy target 'nope'");
    assertThat(orders).isEmpty();
  }
}
