package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn pipeline step STEP --workspace DIR}, one step at a time as a Tekton Task runs it: a
 * real run step, a real build (a FROM scratch Dockerfile, no daemon) and a real SBOM of the built
 * archive, which the sbom step finds through the build step's outputs file.
 */
class PipelineStepCommandTest {
  @TempDir Path dir;

  private Path ws;
  private Map<String, String> env;

  @BeforeEach
  void workspace() throws Exception {
    ws = Files.createDirectories(dir.resolve("source/.cairn")).getParent();
    Files.writeString(
        ws.resolve(".cairn/pipeline.yaml"),
        "name: steps\nsteps:\n"
            + "  - name: prepare\n"
            + "    run: {command: [sh, -c, 'echo preparing with $TOKEN; mkdir -p rootfs;"
            + " echo hello > rootfs/hello.txt']}\n"
            + "    secrets: {TOKEN: api-token}\n"
            + "  - build\n"
            + "  - sbom\n"
            + "  - name: compile\n"
            + "    run: {command: [sh, -c, 'echo broken; exit 3']}\n");
    Files.writeString(ws.resolve("Dockerfile"), "FROM scratch\nCOPY rootfs/hello.txt /hello.txt\n");
    env = new HashMap<>(System.getenv());
    env.put("CAIRN_HOME", dir.resolve("home").toString());
    env.put("CAIRN_SECRET_API_TOKEN", "s3cr3t-value");
    env.put("CAIRN_RUN_ID", "steps-run-1");
  }

  private CliTest.Run step(String name) {
    return CliTest.run(env, "pipeline", "step", name, "--workspace", ws.toString());
  }

  private Map<String, Object> outputs(String step) throws Exception {
    return Json.parseObject(Files.readString(ws.resolve(".cairn/outputs/" + step + ".json")));
  }

  @Test
  void step_eachInOrder_passesOutputsThroughTheWorkspace() throws Exception {
    CliTest.Run prepare = step("prepare");
    assertThat(prepare.code()).as(prepare.err()).isZero();
    assertThat(prepare.out()).isEqualTo("step prepare succeeded\n");
    assertThat(prepare.err())
        .contains("prepare | preparing with ***")
        .doesNotContain("s3cr3t-value");
    assertThat(ws.resolve("rootfs/hello.txt")).hasContent("hello");
    assertThat(outputs("prepare")).isEmpty();

    CliTest.Run build = step("build");
    assertThat(build.code()).as(build.err()).isZero();
    Map<String, Object> built = outputs("build");
    assertThat(built).containsKeys("digest", "archive");
    String digest = (String) built.get("digest");
    assertThat(digest).matches("sha256:[0-9a-f]{64}");
    assertThat(Path.of((String) built.get("archive"))).isRegularFile();
    assertThat(build.out()).isEqualTo("step build succeeded, digest " + digest + "\n");
    assertThat(build.out().lines()).hasSize(1);

    CliTest.Run sbom = step("sbom");
    assertThat(sbom.code()).as(sbom.err()).isZero();
    assertThat(sbom.err()).contains("sbom | reading the built image " + digest);
    Map<String, Object> made = outputs("sbom");
    Path file = Path.of((String) made.get("sbom"));
    assertThat(file).isRegularFile().startsWith(ws);
    assertThat(Files.readString(file)).contains("\"bomFormat\"").contains(digest.substring(7));
    assertThat(sbom.out()).startsWith("step sbom succeeded");
  }

  @Test
  void step_whoseEarlierOutputsAreMissing_failsWithTheStepsMessage() {
    CliTest.Run sbom = step("sbom");
    assertThat(sbom.code()).isEqualTo(1);
    assertThat(sbom.out())
        .isEqualTo(
            "step sbom failed: .cairn/pipeline.yaml:7:5: the sbom step has no image: no build step"
                + " before it\n");
    assertThat(ws.resolve(".cairn/outputs/sbom.json")).doesNotExist();
  }

  @Test
  void failingStep_exit1_withItsExitCodeAndLog() {
    CliTest.Run r = step("compile");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("step compile failed with exit code 3: exited with 3\n");
    assertThat(r.err()).contains("compile | broken");
    assertThat(ws.resolve(".cairn/outputs/compile.json")).doesNotExist();
  }

  @Test
  void missingStep_exit2_oneLineWithTheStepNames() {
    CliTest.Run r = step("deploy");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "cairn: no step 'deploy' in pipeline steps\n"
                + "  perhaps you should name one of its steps: prepare, build, sbom, compile\n");
  }

  @Test
  void missingSecret_exit2_namesTheVariable() {
    env.remove("CAIRN_SECRET_API_TOKEN");
    CliTest.Run r = step("prepare");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .endsWith(
            "\ncairn: secret 'api-token' of step 'prepare' is not set; give it to Cairn in the"
                + " environment variable CAIRN_SECRET_API_TOKEN\n"
                + "  perhaps you should set it in the step's environment\n");
    assertThat(ws.resolve("rootfs")).doesNotExist();
  }

  @Test
  void notADirectory_exit2() {
    CliTest.Run r =
        CliTest.run(
            env, "pipeline", "step", "prepare", "--workspace", dir.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("cairn: --workspace " + dir.resolve("nope") + " is not a dir");
  }

  @Test
  void checkout_inAnEmptyWorkspace_readsThePipelineAtTheCommit_thenLaterStepsRunThere()
      throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo/.cairn")).getParent();
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "name: fetched\nsteps:\n  - checkout\n"
            + "  - name: test\n    run: {command: [sh, -c, 'cat hello.txt']}\n");
    Files.writeString(repo.resolve("hello.txt"), "hello from the commit\n");
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", ".");
    git(
        repo,
        "-c",
        "user.name=dev",
        "-c",
        "user.email=dev@example.com",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-m",
        "first");
    String commit = git(repo, "rev-parse", "HEAD").strip();
    Path empty = Files.createDirectories(dir.resolve("pvc/source"));
    env.put("CAIRN_REPOSITORY", repo.toUri().toString());
    env.put("CAIRN_COMMIT", commit);
    env.put("CAIRN_REF", "refs/heads/main");

    CliTest.Run checkout =
        CliTest.run(env, "pipeline", "step", "checkout", "--workspace", empty.toString());
    assertThat(checkout.code()).as(checkout.err()).isZero();
    assertThat(checkout.err()).contains("no .cairn in the workspace yet");
    assertThat(checkout.out()).isEqualTo("step checkout succeeded, commit " + commit + "\n");
    assertThat(empty.resolve("hello.txt")).hasContent("hello from the commit");
    assertThat(
            Json.parseObject(Files.readString(empty.resolve(".cairn/outputs/checkout.json")))
                .get("commit"))
        .isEqualTo(commit);

    CliTest.Run test =
        CliTest.run(env, "pipeline", "step", "test", "--workspace", empty.toString());
    assertThat(test.code()).as(test.err()).isZero();
    assertThat(test.err()).contains("test | hello from the commit");
  }

  private static String git(Path dir, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("git"));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
