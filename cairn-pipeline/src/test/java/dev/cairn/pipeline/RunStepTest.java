package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Pipelines#runStep}: one step alone, with the engine's environment, masking and timeout,
 * outputs passed through the workspace's {@code .cairn/outputs}.
 */
class RunStepTest {
  @TempDir Path ws;

  private static RunRequest request(String yaml) throws PipelineException {
    return RunRequest.of(
        "https://git.example/app.git",
        "abcdef1",
        "refs/heads/main",
        Trigger.manual("dev", "abcdef1", "refs/heads/main"),
        RunEngineTest.def(yaml));
  }

  /** The build step of a test: its own outputs, one of them holding the secret it was given. */
  private static final class Produces implements StepExecutor {
    @Override
    public StepKind kind() {
      return StepKind.BUILD;
    }

    @Override
    public StepResult execute(StepContext ctx) {
      String token =
          new String(
              java.util.Objects.requireNonNull(ctx.secrets().get("TOKEN")).bytes(),
              java.nio.charset.StandardCharsets.UTF_8);
      ctx.log().line("building with " + token);
      return StepResult.succeeded(
          Map.of(
              "digest",
              "sha256:" + "a".repeat(64),
              "leak",
              "t=" + token,
              "step",
              String.valueOf(ctx.env().get("CAIRN_STEP"))));
    }
  }

  @Test
  void runStep_writesMaskedOutputs_andTheNextStepReadsThem() throws Exception {
    RunRequest req =
        request(
            "steps:\n  - name: make\n    build: {}\n    secrets: {TOKEN: tok}\n"
                + "  - name: show\n    run: "
                + RunEngineTest.sh("echo shown")
                + "\n");
    List<String> log = new ArrayList<>();
    StepResult made =
        Pipelines.runStep(
            req,
            "r1",
            "make",
            ws,
            List.of(new Produces(), Pipelines.localRunExecutor(Map.of())),
            SecretSource.of(Map.of("tok", Secret.ofUtf8("hunter2"))),
            log::add);
    assertThat(made.succeeded()).isTrue();
    assertThat(log).containsExactly("building with ***");
    Map<String, Object> file =
        Json.parseObject(Files.readString(ws.resolve(".cairn/outputs/make.json")));
    assertThat(file)
        .containsEntry("leak", "t=***")
        .containsEntry("step", "make")
        .containsEntry("digest", "sha256:" + "a".repeat(64));
    assertThat(Files.readString(ws.resolve(".cairn/outputs/make.json"))).doesNotContain("hunter2");

    // a later step sees the earlier one's outputs as a run would give them
    StepExecutor reads =
        new StepExecutor() {
          @Override
          public StepKind kind() {
            return StepKind.RUN;
          }

          @Override
          public StepResult execute(StepContext ctx) {
            return StepResult.succeeded(
                Map.of("saw", ctx.output(StepKind.BUILD, "digest").orElse("nothing")));
          }
        };
    StepResult shown =
        Pipelines.runStep(
            req, "r1", "show", ws, List.of(reads), SecretSource.of(Map.of()), l -> {});
    assertThat(shown.outputs()).containsEntry("saw", "sha256:" + "a".repeat(64));
  }

  @Test
  void runStep_overItsTimeout_failsRetryably_andKillsTheProcessTree() throws Exception {
    Path pid = ws.resolve("pid");
    RunRequest req =
        request(
            "steps:\n  - name: slow\n    run: "
                + RunEngineTest.sh("sleep 300 & echo $! > " + pid + "; wait")
                + "\n    timeout: 1s\n");
    StepResult r =
        Pipelines.runStep(
            req,
            "r2",
            "slow",
            ws,
            List.of(Pipelines.localRunExecutor(Map.of())),
            SecretSource.of(Map.of()),
            l -> {});
    assertThat(r.succeeded()).isFalse();
    assertThat(r.message()).isEqualTo("timed out after 1s");
    assertThat(ws.resolve(".cairn/outputs/slow.json")).doesNotExist();
    long child = Long.parseLong(Files.readString(pid).strip());
    await()
        .atMost(RunEngineTest.WAIT)
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void runStep_unknownStepOrKind_isRefusedWithAHint() throws Exception {
    RunRequest req = request("steps:\n  - name: a\n    run: " + RunEngineTest.sh("true") + "\n");
    assertThatThrownBy(
            () ->
                Pipelines.runStep(
                    req, "r3", "b", ws, List.of(), SecretSource.of(Map.of()), l -> {}))
        .isInstanceOf(PipelineException.class)
        .hasMessage("no step 'b' in pipeline " + req.definition().name())
        .satisfies(
            e -> assertThat(((PipelineException) e).hint()).hasValue("name one of its steps: a"));
    assertThatThrownBy(
            () ->
                Pipelines.runStep(
                    req, "r3", "a", ws, List.of(), SecretSource.of(Map.of()), l -> {}))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("no executor for 'run' steps is set up here");
  }
}
