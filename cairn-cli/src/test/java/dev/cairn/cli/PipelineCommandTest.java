package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn pipeline run|status|logs|cancel} on a directory, with a real run step. */
class PipelineCommandTest {
  @TempDir Path dir;

  @Test
  void run_thenStatusAndLogs_showTheRun_andTheSecretIsMasked() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app/.cairn")).getParent();
    Files.writeString(
        app.resolve(".cairn/pipeline.yaml"),
        "name: t\nsteps:\n  - checkout\n  - name: test\n"
            + "    run: {command: [sh, -c, 'echo testing with $TOKEN; cat hello.txt']}\n"
            + "    secrets: {TOKEN: api-token}\n");
    Files.writeString(app.resolve("hello.txt"), "hello\n");
    Path home = dir.resolve("home");
    var env = new java.util.HashMap<>(System.getenv());
    env.put("CAIRN_HOME", home.toString());
    env.put("CAIRN_SECRET_API_TOKEN", "s3cr3t-value");

    CliTest.Run r = CliTest.run(env, "pipeline", "run", app.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Run 1 succeeded").contains("test         succeeded");
    assertThat(r.err()).contains("test | testing with ***").doesNotContain("s3cr3t-value");

    CliTest.Run status = CliTest.run(env, "pipeline", "status");
    assertThat(status.out()).containsPattern("\\n1 +succeeded +working tree +" + app);
    CliTest.Run json = CliTest.run(env, "pipeline", "status", "1", "-o", "json");
    assertThat(json.out()).contains("\"state\" : \"succeeded\"");
    CliTest.Run logs = CliTest.run(env, "pipeline", "logs", "1");
    assertThat(logs.out()).contains("testing with ***\nhello\n").doesNotContain("s3cr3t-value");
    assertThat(CliTest.run(env, "pipeline", "cancel", "1").out()).contains("already");
  }

  @Test
  void failedStep_isNamed_exit1() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app/.cairn")).getParent();
    Files.writeString(
        app.resolve(".cairn/pipeline.yaml"),
        "steps:\n  - name: compile\n    run: {command: [sh, -c, 'echo broken; exit 3']}\n");
    CliTest.Run r = CliTest.run(dir.resolve("home"), "pipeline", "run", app.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("failed at step compile (exit 3)").contains("| broken");
  }

  @Test
  void badInput_isOneLineWithExit2() throws Exception {
    Path home = dir.resolve("home");
    CliTest.Run missing = CliTest.run(home, "pipeline", "run", dir.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).startsWith("cairn: no such directory: ");

    Path app = Files.createDirectories(dir.resolve("bad/.cairn")).getParent();
    Files.writeString(app.resolve(".cairn/pipeline.yaml"), "steps:\n  - enclave\n");
    CliTest.Run bad = CliTest.run(home, "pipeline", "run", app.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains(".cairn/pipeline.yaml:2:5");

    CliTest.Run noRun = CliTest.run(home, "pipeline", "logs", "42");
    assertThat(noRun.code()).isEqualTo(2);
    assertThat(noRun.err()).startsWith("cairn: no pipeline run 42");

    CliTest.Run noSecret =
        CliTest.run(
            java.util.Map.of("CAIRN_HOME", home.toString()),
            "pipeline",
            "listen",
            "--secret-env",
            "HOOK_SECRET");
    assertThat(noSecret.code()).isEqualTo(2);
    assertThat(noSecret.err()).startsWith("cairn: no webhook secret in HOOK_SECRET");
  }
}
