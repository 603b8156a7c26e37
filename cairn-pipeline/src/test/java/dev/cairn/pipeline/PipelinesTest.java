package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelinesTest {
  @TempDir Path dir;

  static final String FULL =
      """
      name: hello
      triggers:
        branches: [main, "release/*"]
        tags: ["v*"]
        paths: ["src/**", Dockerfile]
      concurrency:
        key: "${repository}/${branch}"
        mode: cancel-superseded
      retention:
        keepSuccessful: 3
        keepFailed: 5
      env:
        GREETING: hello
      steps:
        - checkout
        - build:
            dockerfile: Dockerfile
            context: .
        - name: unit-tests
          run:
            command: [./mvnw, -B, test]
          timeout: 10m
          retries: 2
          backoff: 500ms
          env: {MAVEN_OPTS: -Xmx512m}
          secrets: {GIT_TOKEN: git-token}
        - push: {registry: 127.0.0.1:5000, repository: hello}
        - sign
      """;

  @Test
  void parse_fullFile_readsEveryField() throws Exception {
    PipelineDefinition d = Pipelines.parse(".cairn/pipeline.yaml", FULL);
    assertThat(d.name()).isEqualTo("hello");
    assertThat(d.triggers().branches()).containsExactly("main", "release/*");
    assertThat(d.concurrency().mode())
        .isEqualTo(PipelineDefinition.ConcurrencyMode.CANCEL_SUPERSEDED);
    assertThat(d.concurrency().expand("hello", "https://git/x", "refs/heads/main"))
        .isEqualTo("https://git/x/main");
    assertThat(d.retention()).isEqualTo(new PipelineDefinition.Retention(3, 5));
    assertThat(d.env()).containsExactly(Map.entry("GREETING", "hello"));
    assertThat(d.steps())
        .extracting(StepSpec::name)
        .containsExactly("checkout", "build", "unit-tests", "push", "sign");
    StepSpec t = d.steps().get(2);
    assertThat(t.kind()).isEqualTo(StepKind.RUN);
    assertThat(t.listParam("command")).containsExactly("./mvnw", "-B", "test");
    assertThat(t.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(t.retries()).isEqualTo(2);
    assertThat(t.backoffBefore(2)).isEqualTo(Duration.ofMillis(500));
    assertThat(t.backoffBefore(3)).isEqualTo(Duration.ofSeconds(1));
    assertThat(t.secrets()).containsExactly(Map.entry("GIT_TOKEN", "git-token"));
    assertThat(t.location().line()).isEqualTo(19);
    assertThat(d.steps().get(3).param("registry", "")).isEqualTo("127.0.0.1:5000");
    // network steps retry by default, others do not
    assertThat(d.steps().get(0).retries()).isEqualTo(2);
    assertThat(d.steps().get(1).retries()).isZero();
    assertThat(d.digest()).isEqualTo(Pipelines.digest(FULL));
  }

  @Test
  void parse_reportsEveryProblem_atItsLine_withCaret() {
    String text =
        """
        name: hello
        steps:
          - checkout
          - enclave
          - bulid: {dockerfile: Dockerfile}
          - name: tests
            run: {command: [make]}
            timeout: soon
            env: {REGISTRY_PASSWORD: hunter2}
          - run: {}
          - deploy: [staging]
        colour: blue
        """;
    assertThatThrownBy(() -> Pipelines.parse(".cairn/pipeline.yaml", text))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e -> {
              List<Diagnostic> ds = e.diagnostics();
              assertThat(ds)
                  .extracting(d -> d.location().line())
                  .containsExactly(4, 5, 8, 9, 10, 11, 12);
              assertThat(ds.get(0).oneLine())
                  .isEqualTo(
                      ".cairn/pipeline.yaml:4:5: a 'enclave' step needs 'attestation' and"
                          + " 'platform'");
              assertThat(ds.get(1).message())
                  .contains("unknown field 'bulid'", "did you mean 'build'?");
              assertThat(ds.get(2).message()).contains("'timeout' must be a duration");
              assertThat(ds.get(3).message()).contains("'REGISTRY_PASSWORD' looks like a secret");
              assertThat(ds.get(3).message()).doesNotContain("hunter2");
              assertThat(ds.get(4).message()).isEqualTo("a 'run' step needs 'command'");
              assertThat(ds.get(5).message())
                  .contains("the parameters of a 'deploy' step are a mapping");
              assertThat(ds.get(6).message()).contains("unknown field 'colour'");
              assertThat(e.getMessage()).endsWith("(and 6 more)");
              assertThat(e.render())
                  .contains(
                      ".cairn/pipeline.yaml:8:14: 'timeout' must be a duration such as 90s, 10m or 1h30m\n    timeout: soon\n             ^");
            });
  }

  @Test
  void signStep_isAttestedByDefault_andTheLocalBuilderMustBeAskedFor() throws Exception {
    PipelineDefinition d =
        Pipelines.parse(
            "p.yaml",
            "steps:\n  - sign\n  - name: local\n    sign: {attested: false}\n"
                + "  - name: team\n    sign: {attestation: \"http://127.0.0.1:9\"}\n");
    assertThat(d.steps().get(0).params()).doesNotContainKey("attested");
    assertThat(d.steps().get(1).params()).containsEntry("attested", false);
    assertThat(d.steps().get(2).param("attestation", "")).isEqualTo("http://127.0.0.1:9");
    assertThatThrownBy(
            () -> Pipelines.parse("p.yaml", "steps:\n  - sign: {attested: maybe, key: x}\n"))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e ->
                assertThat(e.diagnostics())
                    .extracting(Diagnostic::message)
                    .anySatisfy(m -> assertThat(m).contains("attested"))
                    .anySatisfy(m -> assertThat(m).contains("unknown parameter 'key'")));
  }

  @Test
  void parse_duplicateKey_isAnError() {
    assertThatThrownBy(() -> Pipelines.parse("p.yaml", "steps:\n  - checkout\nsteps:\n  - build\n"))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e ->
                assertThat(e.diagnostics().get(0).oneLine())
                    .isEqualTo("p.yaml:3:1: duplicate key 'steps' (first at line 1, column 1)"));
  }

  @Test
  void parse_twoStepsOfOneName_andTwoKinds_areErrors() {
    assertThatThrownBy(
            () ->
                Pipelines.parse(
                    "p.yaml", "steps:\n  - checkout\n  - checkout\n  - {build: {}, push: {}}\n"))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e -> {
              assertThat(e.diagnostics()).hasSize(2);
              assertThat(e.diagnostics().get(0).oneLine())
                  .startsWith(
                      "p.yaml:3:5: a second step named 'checkout' (the first is at line 2)");
              assertThat(e.diagnostics().get(1).message()).contains("a step has one kind");
            });
  }

  @Test
  void parse_secretValueInSecrets_isRefusedWithoutEchoingIt() {
    assertThatThrownBy(
            () ->
                Pipelines.parse(
                    "p.yaml",
                    "steps:\n  - run: {command: [env]}\n    secrets: {TOKEN: \"ghp_AbCdEf0123456789\"}\n"))
        .isInstanceOfSatisfying(
            PipelineException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("not a secret name")
                  .doesNotContain("ghp_AbCdEf0123456789");
              assertThat(e.render()).doesNotContain("AbCdEf0123456789\n").contains("^");
            });
  }

  @Test
  void load_withoutFile_givesTheSeedPipelineOfImplementedKinds() throws Exception {
    PipelineDefinition d = Pipelines.load(dir);
    assertThat(d.isDefault()).isTrue();
    assertThat(d.steps())
        .extracting(StepSpec::kind)
        .containsExactly(
            StepKind.CHECKOUT,
            StepKind.BUILD,
            StepKind.SCAN,
            StepKind.PUSH,
            StepKind.SIGN,
            StepKind.DEPLOY);
    assertThat(Pipelines.defaults(List.of(StepKind.CHECKOUT, StepKind.RUN)).steps())
        .extracting(StepSpec::kind)
        .containsExactly(StepKind.CHECKOUT);
  }

  @Test
  void load_readsTheRepositoryFile_andRefusesTheYmlSpelling() throws Exception {
    Files.createDirectories(dir.resolve(".cairn"));
    Files.writeString(dir.resolve(".cairn/pipeline.yml"), "steps: [checkout]\n");
    assertThatThrownBy(() -> Pipelines.load(dir)).hasMessageContaining("pipeline.yml is not read");
    Files.writeString(dir.resolve(".cairn/pipeline.yaml"), "name: mine\nsteps: [checkout]\n");
    assertThat(Pipelines.load(dir).name()).isEqualTo("mine");
    assertThat(Pipelines.load(dir).source()).isEqualTo(".cairn/pipeline.yaml");
  }

  @Test
  void triggers_matchBranchesTagsAndPaths() throws Exception {
    PipelineDefinition.Triggers t = Pipelines.parse("p", FULL).triggers();
    assertThat(t.matchesRef("refs/heads/main")).isTrue();
    assertThat(t.matchesRef("refs/heads/release/1.2")).isTrue();
    assertThat(t.matchesRef("refs/heads/release/1.2/x")).isFalse();
    assertThat(t.matchesRef("refs/heads/feature")).isFalse();
    assertThat(t.matchesRef("refs/tags/v1.0")).isTrue();
    assertThat(t.matchesRef("refs/pull/1/head")).isFalse();
    assertThat(t.matchesPaths(List.of("docs/a.md"))).isFalse();
    assertThat(t.matchesPaths(List.of("docs/a.md", "src/main/A.java"))).isTrue();
    assertThat(t.matchesPaths(List.of("Dockerfile"))).isTrue();
    PipelineDefinition.Triggers all = PipelineDefinition.Triggers.defaults();
    assertThat(all.matchesRef("refs/heads/a/b/c")).isTrue();
    assertThat(all.matchesRef("refs/tags/v1")).isFalse();
  }

  @Test
  void runTarget_parsesDirectoriesAndUrlsWithCommits() throws Exception {
    RunTarget d = RunTarget.parse(dir.toString());
    assertThat(d.remote()).isFalse();
    assertThat(d.commit()).isEmpty();
    RunTarget u = RunTarget.parse("https://git.example/app.git@3F2A9C1");
    assertThat(u).isEqualTo(new RunTarget("https://git.example/app.git", "3f2a9c1", true));
    assertThat(RunTarget.parse("git@host:org/app.git@abcdef12").repository())
        .isEqualTo("git@host:org/app.git");
    assertThatThrownBy(() -> RunTarget.parse("https://git.example/app.git"))
        .hasMessageContaining("needs the commit");
    assertThatThrownBy(() -> RunTarget.parse("https://git.example/app.git@main"))
        .hasMessageContaining("not a commit id");
  }
}
