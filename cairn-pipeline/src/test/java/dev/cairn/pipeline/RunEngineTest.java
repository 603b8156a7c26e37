package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine with real processes (the local run executor) and the real file store. */
class RunEngineTest {
  @TempDir Path dir;
  final List<RunEngine> engines = new ArrayList<>();
  final List<String> logLines = new CopyOnWriteArrayList<>();
  static final Duration WAIT = Duration.ofSeconds(60);

  @AfterEach
  void close() {
    engines.forEach(RunEngine::close);
  }

  RunEngine engine(int max, Map<String, Secret> secrets) throws Exception {
    RunEngine e =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .secrets(SecretSource.of(secrets))
            .maxConcurrentRuns(max)
            .cancelGrace(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(20))
            .listener(
                new RunListener() {
                  @Override
                  public void log(String runId, String step, String line) {
                    logLines.add(runId + "/" + step + ": " + line);
                  }
                })
            .start();
    engines.add(e);
    return e;
  }

  static PipelineDefinition def(String yaml) throws PipelineException {
    return Pipelines.parse(".cairn/pipeline.yaml", yaml);
  }

  static RunRequest req(PipelineDefinition d, String commit, String delivery) {
    return RunRequest.of(
        "file:///repo/app",
        commit,
        "refs/heads/main",
        new Trigger("github", delivery, "alice", commit, "refs/heads/main"),
        d);
  }

  static String sh(String script) {
    return "{command: [sh, -c, " + quote(script) + "]}";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void run_succeeds_streamsAndStoresLogs_recordsExitCodeAndTrigger() throws Exception {
    RunEngine e = engine(2, Map.of());
    PipelineDefinition d =
        def(
            "env: {GREETING: hello}\nsteps:\n  - name: one\n    run: "
                + sh("echo \"$GREETING from $CAIRN_STEP at $CAIRN_COMMIT\"; echo to-stderr >&2")
                + "\n  - name: two\n    run: "
                + sh("echo second; test -z \"$SECRET_FROM_HOST\"")
                + "\n");
    RunEngine.Submission s = e.submit(req(d, "abcdef1", "d-1"));
    assertThat(s.duplicate()).isFalse();
    RunRecord r = e.await(s.run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(r.steps())
        .extracting(StepRecord::state)
        .containsExactly(StepState.SUCCEEDED, StepState.SUCCEEDED);
    assertThat(r.steps().get(0).exitCode()).isZero();
    assertThat(r.trigger())
        .isEqualTo(new Trigger("github", "d-1", "alice", "abcdef1", "refs/heads/main"));
    String logs = RunLogs.text(e.store(), r.id());
    assertThat(logs)
        .contains("==> one (run, succeeded) <==\nhello from one at abcdef1\nto-stderr\n")
        .contains("==> two (run, succeeded) <==\nsecond\n");
    assertThat(logLines).contains(r.id() + "/one: hello from one at abcdef1");
    assertThat(Pipelines.json(r)).contains("\"state\" : \"succeeded\"", "\"deliveryId\" : \"d-1\"");
    // the workspace is gone, the record and logs stay
    assertThat(dir.resolve("ws").resolve(r.id())).doesNotExist();
  }

  @Test
  void failedRun_namesItsStep_exitCode_andLastLines_laterStepsNotRun() throws Exception {
    RunEngine e = engine(2, Map.of());
    PipelineDefinition d =
        def(
            "steps:\n  - name: compile\n    run: "
                + sh("for i in $(seq 1 30); do echo line $i; done; exit 3")
                + "\n  - name: after\n    run: {command: [true]}\n");
    RunRecord r = e.await(e.submit(req(d, "abcdef2", "")).run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.message()).isEqualTo("step 'compile' failed with exit code 3: exited with 3");
    RunRecord.Failure f = r.failure();
    assertThat(f).isNotNull();
    assertThat(f.step()).isEqualTo("compile");
    assertThat(f.exitCode()).isEqualTo(3);
    assertThat(f.lastLines()).hasSize(20).startsWith("line 11").endsWith("line 30");
    assertThat(r.steps().get(1).state()).isEqualTo(StepState.NOT_RUN);
  }

  @Test
  void secrets_areMaskedInLogs_records_andMessages() throws Exception {
    Secret token = Secret.ofUtf8("s3cr3t-T0ken-value");
    Secret key =
        Secret.ofUtf8("-----BEGIN KEY-----\nAAAAlineOfKey1\nBBBBlineOfKey2\n-----END KEY-----");
    RunEngine e = engine(2, Map.of("git-token", token, "builder-key", key));
    PipelineDefinition d =
        def(
            "steps:\n  - name: leak\n    secrets: {TOKEN: git-token, KEY: builder-key}\n    run: "
                + sh(
                    "echo token=$TOKEN; printf '%s' \"$TOKEN\" | cut -c1-9; printf '%s\\n' \"$KEY\"; echo \"$TOKEN\" >&2; exit 4")
                + "\n");
    RunRecord r = e.await(e.submit(req(d, "abcdef3", "")).run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    String logs = RunLogs.text(e.store(), r.id());
    assertThat(logs).contains("token=***").doesNotContain("s3cr3t-T0ken-value");
    assertThat(logs).doesNotContain("AAAAlineOfKey1").doesNotContain("BBBBlineOfKey2");
    String json = Pipelines.json(e.store().get(r.id()).orElseThrow());
    assertThat(json)
        .doesNotContain("s3cr3t-T0ken-value")
        .doesNotContain("lineOfKey")
        .contains("***");
    assertThat(String.join("\n", logLines)).doesNotContain("s3cr3t-T0ken-value");
    // every file the run left
    try (var files = Files.walk(dir.resolve("runs"))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(p)).as(p.toString()).doesNotContain("s3cr3t-T0ken-value");
      }
    }
  }

  @Test
  void secret_inAnExecutorsException_isMaskedInTheRecord() throws Exception {
    Secret password = Secret.ofUtf8("registry-pa55word");
    StepExecutor push =
        new StepExecutor() {
          @Override
          public StepKind kind() {
            return StepKind.PUSH;
          }

          @Override
          public StepResult execute(StepContext ctx) {
            byte[] b = ctx.secrets().get("PASSWORD").bytes();
            throw new IllegalStateException(
                "login failed for admin:" + new String(b, java.nio.charset.StandardCharsets.UTF_8));
          }
        };
    RunEngine e =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(push)
            .secrets(SecretSource.of(Map.of("registry-password", password)))
            .start();
    engines.add(e);
    PipelineDefinition d =
        def("steps:\n  - push: {}\n    retries: 0\n    secrets: {PASSWORD: registry-password}\n");
    RunRecord r = e.await(e.submit(req(d, "abcdef4", "")).run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.message()).contains("login failed for admin:***").doesNotContain("pa55word");
    assertThat(r.failure().message()).doesNotContain("pa55word");
  }

  @Test
  void missingSecret_failsTheStep_namingWhereToSetIt() throws Exception {
    RunEngine e =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(System.getenv()))
            .secrets(SecretSource.environment(Map.of()))
            .start();
    engines.add(e);
    PipelineDefinition d = def("steps:\n  - run: {command: [true]}\n    secrets: [git-token]\n");
    RunRecord r = e.await(e.submit(req(d, "abcdef5", "")).run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.failure().message())
        .isEqualTo(
            "secret 'git-token' is not set; give it to Cairn in the environment variable"
                + " CAIRN_SECRET_GIT_TOKEN");
  }

  @Test
  void timeout_failsTheStep_andKillsItsProcessTree() throws Exception {
    RunEngine e = engine(2, Map.of());
    Path pid = dir.resolve("pid");
    PipelineDefinition d =
        def(
            "steps:\n  - run: "
                + sh("sleep 300 & echo $! > " + pid + "; wait")
                + "\n    timeout: 1s\n");
    RunRecord r = e.await(e.submit(req(d, "abcdef6", "")).run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.failure().message()).isEqualTo("timed out after 1s");
    long child = Long.parseLong(Files.readString(pid).strip());
    await().atMost(WAIT).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void cancel_interruptsTheRunningStep_killsItsTree_andRecordsCancelled() throws Exception {
    RunEngine e = engine(2, Map.of());
    Path pid = dir.resolve("pid");
    PipelineDefinition d =
        def(
            "steps:\n  - name: long\n    run: "
                + sh("sleep 300 & echo $! > " + pid + "; wait")
                + "\n  - name: next\n    run: {command: [true]}\n");
    String id = e.submit(req(d, "abcdef7", "")).run().id();
    await().atMost(WAIT).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
    assertThat(e.cancel(id)).isTrue();
    RunRecord r = e.await(id, WAIT);
    assertThat(r.state()).isEqualTo(RunState.CANCELLED);
    assertThat(r.message()).isEqualTo("cancelled on request");
    assertThat(r.steps())
        .extracting(StepRecord::state)
        .containsExactly(StepState.CANCELLED, StepState.NOT_RUN);
    long child = Long.parseLong(Files.readString(pid).strip());
    await().atMost(WAIT).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    assertThat(e.cancel(id)).isFalse();
  }

  @Test
  void cancel_fromAnotherStore_reachesTheEngineThroughTheStore() throws Exception {
    RunEngine e = engine(2, Map.of());
    Path started = dir.resolve("started");
    PipelineDefinition d = def("steps:\n  - run: " + sh("touch " + started + "; sleep 300") + "\n");
    String id = e.submit(req(d, "abcdef8", "")).run().id();
    await().atMost(WAIT).until(() -> Files.exists(started));
    try (RunStore other = Pipelines.fileStore(dir.resolve("runs"))) {
      other.requestCancel(id);
    }
    assertThat(e.await(id, WAIT).state()).isEqualTo(RunState.CANCELLED);
  }

  @Test
  void retries_withBackoff_untilTheStepSucceeds() throws Exception {
    RunEngine e = engine(2, Map.of());
    Path count = dir.resolve("count");
    PipelineDefinition d =
        def(
            "steps:\n  - run: "
                + sh("echo x >> " + count + "; test $(wc -l < " + count + ") -ge 3")
                + "\n    retries: 3\n    backoff: 10ms\n");
    RunRecord r = e.await(e.submit(req(d, "abcdef9", "")).run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(r.steps().get(0).attempts()).isEqualTo(3);
    assertThat(RunLogs.text(e.store(), r.id()))
        .contains("[cairn] attempt 1 failed: exited with 1; trying again in 10 ms")
        .contains("[cairn] attempt 2 failed: exited with 1; trying again in 20 ms")
        .contains("[cairn] attempt 3 of 4");
  }

  @Test
  void sameDeliveryTwice_andSameCommit_giveTheSameRun_rerunGivesANewOne() throws Exception {
    RunEngine e = engine(2, Map.of());
    PipelineDefinition d = def("steps:\n  - run: {command: [true]}\n");
    RunEngine.Submission a = e.submit(req(d, "1234567", "delivery-1"));
    RunEngine.Submission again = e.submit(req(d, "1234567", "delivery-1"));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.run().id()).isEqualTo(a.run().id());
    e.await(a.run().id(), WAIT);
    RunEngine.Submission sameCommit = e.submit(req(d, "1234567", "delivery-2"));
    assertThat(sameCommit.duplicate()).isTrue();
    assertThat(sameCommit.run().id()).isEqualTo(a.run().id());
    RunEngine.Submission rerun = e.submit(req(d, "1234567", "").withRerun(true));
    assertThat(rerun.duplicate()).isFalse();
    // a delivery seen before is the same run even in a new engine over the same store
    e.close();
    RunEngine e2 = engine(2, Map.of());
    assertThat(e2.submit(req(d, "1234567", "delivery-1")).run().id()).isEqualTo(a.run().id());
  }

  @Test
  void failedCommit_mayRunAgain_onANewDelivery() throws Exception {
    RunEngine e = engine(2, Map.of());
    PipelineDefinition d = def("steps:\n  - run: {command: [false]}\n");
    RunRecord first = e.await(e.submit(req(d, "2345678", "x-1")).run().id(), WAIT);
    assertThat(first.state()).isEqualTo(RunState.FAILED);
    RunEngine.Submission second = e.submit(req(d, "2345678", "x-2"));
    assertThat(second.duplicate()).isFalse();
  }

  @Test
  void queueMode_runsOneKeyAtATime_inOrder() throws Exception {
    RunEngine e = engine(4, Map.of());
    Path gate = dir.resolve("gate");
    PipelineDefinition d =
        def("steps:\n  - run: " + sh("while [ ! -e " + gate + " ]; do sleep 0.05; done") + "\n");
    String first = e.submit(req(d, "3333333", "")).run().id();
    String second = e.submit(req(d, "4444444", "")).run().id();
    await().atMost(WAIT).until(() -> e.run(first).orElseThrow().state() == RunState.RUNNING);
    assertThat(e.run(second).orElseThrow().state()).isEqualTo(RunState.QUEUED);
    Files.writeString(gate, "go");
    RunRecord a = e.await(first, WAIT);
    RunRecord b = e.await(second, WAIT);
    assertThat(a.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(b.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(b.started()).isAfterOrEqualTo(a.finished());
  }

  @Test
  void cancelSuperseded_cancelsTheRunningAndQueuedRunsOfItsKey() throws Exception {
    RunEngine e = engine(4, Map.of());
    Path started = dir.resolve("started");
    PipelineDefinition slow =
        def(
            "concurrency: {mode: cancel-superseded}\nsteps:\n  - run: "
                + sh("touch " + started + "; sleep 300")
                + "\n");
    String first = e.submit(req(slow, "5555555", "")).run().id();
    await().atMost(WAIT).until(() -> Files.exists(started));
    String second = e.submit(req(slow, "6666666", "")).run().id();
    PipelineDefinition quick =
        def("concurrency: {mode: cancel-superseded}\nsteps:\n  - run: {command: [true]}\n");
    String third = e.submit(req(quick, "7777777", "")).run().id();
    RunRecord a = e.await(first, WAIT);
    assertThat(a.state()).isEqualTo(RunState.CANCELLED);
    assertThat(a.message()).isEqualTo("superseded by run " + second + " of commit 6666666");
    RunRecord b = e.await(second, WAIT);
    assertThat(b.state()).isEqualTo(RunState.CANCELLED);
    assertThat(b.message()).isEqualTo("superseded by run " + third + " of commit 7777777");
    assertThat(e.await(third, WAIT).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void globalLimit_holdsRunsOfOtherKeysInTheQueue() throws Exception {
    RunEngine e = engine(1, Map.of());
    Path gate = dir.resolve("gate");
    PipelineDefinition d =
        def("steps:\n  - run: " + sh("while [ ! -e " + gate + " ]; do sleep 0.05; done") + "\n");
    String first = e.submit(req(d, "8888888", "")).run().id();
    RunRequest other =
        RunRequest.of(
            "file:///repo/other",
            "9999999",
            "refs/heads/dev",
            Trigger.manual("bob", "9999999", "refs/heads/dev"),
            d);
    String second = e.submit(other).run().id();
    await().atMost(WAIT).until(() -> e.run(first).orElseThrow().state() == RunState.RUNNING);
    assertThat(e.run(second).orElseThrow().state()).isEqualTo(RunState.QUEUED);
    Files.writeString(gate, "go");
    assertThat(e.await(second, WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(e.run(second).orElseThrow().started())
        .isAfterOrEqualTo(e.run(first).orElseThrow().finished());
  }

  @Test
  void retention_keepsTheNewestRunsOfEachOutcome() throws Exception {
    RunEngine e = engine(1, Map.of());
    PipelineDefinition ok =
        def("retention: {keepSuccessful: 2, keepFailed: 1}\nsteps:\n  - run: {command: [true]}\n");
    PipelineDefinition bad =
        def("retention: {keepSuccessful: 2, keepFailed: 1}\nsteps:\n  - run: {command: [false]}\n");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(e.await(e.submit(req(ok, "aaaaaa" + i, "")).run().id(), WAIT).id());
      ids.add(e.await(e.submit(req(bad, "bbbbbb" + i, "")).run().id(), WAIT).id());
    }
    List<String> left = e.store().list().stream().map(RunRecord::id).toList();
    // newest first: the last two successes and the last failure
    assertThat(left).containsExactly(ids.get(7), ids.get(6), ids.get(4));
    assertThat(dir.resolve("runs").resolve(ids.get(0))).doesNotExist();
  }

  @Test
  void submit_withAKindThatHasNoExecutor_isRefusedAtTheStepsLine() throws Exception {
    RunEngine e = engine(1, Map.of());
    PipelineDefinition d = def("steps:\n  - run: {command: [true]}\n  - build: {}\n");
    assertThatThrownBy(() -> e.submit(req(d, "ccccccc", "")))
        .isInstanceOfSatisfying(
            PipelineException.class,
            x ->
                assertThat(x.diagnostics().get(0).oneLine())
                    .isEqualTo(
                        ".cairn/pipeline.yaml:3:5: no executor for 'build' steps is set up here"
                            + " (this engine runs: run)"));
    assertThat(e.store().list()).isEmpty();
  }

  @Test
  void runStep_withAnImage_isRefusedByTheLocalExecutor() throws Exception {
    RunEngine e = engine(1, Map.of());
    PipelineDefinition d = def("steps:\n  - run: {command: [true], image: busybox}\n");
    RunRecord r = e.await(e.submit(req(d, "ddddddd", "")).run().id(), WAIT);
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.failure().message())
        .isEqualTo(
            ".cairn/pipeline.yaml:2:5: step 'run' runs in image busybox, but this engine runs"
                + " commands on its own machine");
  }

  @Test
  void environment_isScrubbed_toTheBaseVariablesAndTheSteps() throws Exception {
    RunEngine e = engine(1, Map.of());
    PipelineDefinition d = def("env: {A: b}\nsteps:\n  - run: {command: [env]}\n");
    RunRecord r = e.await(e.submit(req(d, "eeeeeee", "")).run().id(), WAIT);
    List<String> names =
        RunLogs.text(e.store(), r.id())
            .lines()
            .skip(1)
            .map(l -> l.substring(0, l.indexOf('=')))
            .sorted()
            .toList();
    assertThat(names)
        .isSubsetOf(
            "A",
            "CI",
            "CAIRN_COMMIT",
            "CAIRN_REF",
            "CAIRN_REPOSITORY",
            "CAIRN_RUN_ID",
            "CAIRN_STEP",
            "PATH",
            "HOME",
            "LANG",
            "LC_ALL",
            "TZ",
            "TMPDIR",
            "PWD",
            "SHLVL",
            "_")
        .contains("A", "CI", "CAIRN_RUN_ID", "PATH");
  }
}
