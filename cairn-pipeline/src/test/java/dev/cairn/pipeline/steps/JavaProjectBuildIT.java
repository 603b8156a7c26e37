package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunLogs;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.steps.internal.BuilderWorkload;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Maven project without a Dockerfile, made here (this repository's own {@code mvnw} and
 * {@code .mvn/wrapper}, no dependencies, its plugins pinned to the versions this build itself
 * downloads, so {@code -o} works), goes through checkout → build (its wrapper, then a jib-core
 * layered image on a base image the test pushed) → push. The image's layers and configuration are
 * read back from the registry and its files run on this JVM with the image's class path. Gradle
 * cannot be fetched here (no distribution server is reachable), so for it only the detection and
 * the wrapper call are tested.
 */
class JavaProjectBuildIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;
  static OciClient oci;

  @BeforeAll
  static void base() throws Exception {
    oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    TestBases.push(oci, ImageRef.parse(REGISTRY.address() + "/base/jre:1"));
  }

  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw"))
          && Files.isRegularFile(p.resolve(".mvn/wrapper/maven-wrapper.properties"))) {
        return p;
      }
    }
    throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
  }

  static final String POM =
      """
      <project xmlns="http://maven.apache.org/POM/4.0.0">
        <modelVersion>4.0.0</modelVersion>
        <groupId>dev.cairn.test</groupId>
        <artifactId>hello</artifactId>
        <version>1</version>
        <packaging>jar</packaging>
        <properties>
          <maven.compiler.release>21</maven.compiler.release>
          <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
        </properties>
        <build>
          <plugins>
            <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
            <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
            <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
            <plugin><artifactId>maven-install-plugin</artifactId><version>3.1.4</version></plugin>
            <plugin>
              <artifactId>maven-jar-plugin</artifactId><version>3.4.2</version>
              <configuration>
                <archive><manifest><mainClass>hello.Main</mainClass></manifest></archive>
              </configuration>
            </plugin>
          </plugins>
        </build>
      </project>
      """;

  static final String MAIN =
      """
      package hello;

      public class Main {
        public static void main(String[] args) throws Exception {
          try (var in = Main.class.getResourceAsStream("/greeting.txt")) {
            System.out.print(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
          }
        }
      }
      """;

  private Path mavenProject(boolean wrapper) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("app"));
    Files.writeString(repo.resolve("pom.xml"), POM);
    Files.createDirectories(repo.resolve("src/main/java/hello"));
    Files.writeString(repo.resolve("src/main/java/hello/Main.java"), MAIN);
    Files.createDirectories(repo.resolve("src/main/resources"));
    Files.writeString(repo.resolve("src/main/resources/greeting.txt"), "hello from maven\n");
    if (wrapper) {
      Path root = repoRoot();
      // the stock wrapper: without the lines by which Cairn's own mvnw finds a JDK >= 21 through
      // scripts/lib (the pipeline gives JAVA_HOME instead)
      String mvnw =
          Files.readString(root.resolve("mvnw"))
              .replaceAll("(?m)^# Cairn: use a JDK.*\\n\\. .*scripts/lib/jdk\\.sh\"\\n.*\\n", "");
      assertThat(mvnw).doesNotContain("scripts/lib").contains("Apache Maven Wrapper");
      Files.writeString(repo.resolve("mvnw"), mvnw);
      Files.createDirectories(repo.resolve(".mvn/wrapper"));
      Files.copy(
          root.resolve(".mvn/wrapper/maven-wrapper.properties"),
          repo.resolve(".mvn/wrapper/maven-wrapper.properties"));
    }
    return repo;
  }

  private String pipeline(String build) {
    return "name: java\nenv: {JAVA_HOME: "
        + System.getProperty("java.home")
        + "}\nsteps:\n  - checkout\n  - build: "
        + build
        + "\n  - push: {registry: "
        + REGISTRY.address()
        + ", repository: team/java, plainHttp: true}\n";
  }

  private record Run(RunRecord record, String logs) {}

  /** What a test does while a run goes on. */
  interface During {
    void accept(RunEngine engine, String runId) throws Exception;
  }

  private Run run(Path repo, String pipeline) throws Exception {
    return run(repo, pipeline, (engine, id) -> {});
  }

  private Run run(Path repo, String pipeline, During during) throws Exception {
    Files.createDirectories(repo.resolve(".cairn"));
    Files.writeString(repo.resolve(".cairn/pipeline.yaml"), pipeline);
    String commit;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      commit =
          git.commit()
              .setMessage("java")
              .setAuthor("dev", "dev@example.com")
              .setCommitter("dev", "dev@example.com")
              .setSign(false)
              .call()
              .getName();
    }
    PipelineDefinition def = Pipelines.load(repo);
    try (RunEngine engine =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(Map.of()))
            .executors(
                Steps.all(dev.cairn.core.CairnHome.of(dir.resolve("home")), Clock.systemUTC()))
            .secrets(SecretSource.of(Map.of()))
            .start()) {
      String id =
          engine
              .submit(
                  RunRequest.of(
                      repo.toUri().toString(),
                      commit,
                      "refs/heads/main",
                      Trigger.manual("dev", commit, "refs/heads/main"),
                      def))
              .run()
              .id();
      during.accept(engine, id);
      RunRecord r = engine.await(id, Duration.ofMinutes(5));
      return new Run(r, RunLogs.text(engine.store(), r.id()));
    }
  }

  /** The image's layers unpacked into {@code into}, in order; returns each layer's file names. */
  private static List<List<String>> unpack(ImageRef image, Path into) throws Exception {
    Map<String, Object> m =
        Json.parseObject(new String(oci.getManifest(image).bytes(), StandardCharsets.UTF_8));
    List<List<String>> names = new ArrayList<>();
    for (Object o : (List<?>) m.get("layers")) {
      Digest d = Digest.parse(String.valueOf(((Map<?, ?>) o).get("digest")));
      Path tar = Files.createTempFile(into.getParent(), "layer-", ".tar");
      try (var in = new GZIPInputStream(new ByteArrayInputStream(oci.getBlob(image, d)))) {
        Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> files = new ArrayList<>();
      ImageTransfer.entries(
          tar,
          (name, size, content) -> {
            files.add(name);
            Path out = into.resolve(name.startsWith("/") ? name.substring(1) : name);
            Files.createDirectories(out.getParent());
            Files.copy(content, out, StandardCopyOption.REPLACE_EXISTING);
          });
      names.add(files);
    }
    return names;
  }

  private static Map<?, ?> config(ImageRef image) throws Exception {
    Map<String, Object> m =
        Json.parseObject(new String(oci.getManifest(image).bytes(), StandardCharsets.UTF_8));
    Digest c = Digest.parse(String.valueOf(((Map<?, ?>) m.get("config")).get("digest")));
    return (Map<?, ?>)
        Json.parseObject(new String(oci.getBlob(image, c), StandardCharsets.UTF_8)).get("config");
  }

  @Test
  void mavenProject_isBuiltWithItsWrapper_andPackagedAsALayeredImage() throws Exception {
    Path repo = mavenProject(true);
    Run run =
        run(
            repo,
            pipeline(
                "{baseImage: "
                    + REGISTRY.address()
                    + "/base/jre:1, wrapperArgs: [-o, -B, package]}"));
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);
    // the wrapper's own output is in the step's log
    assertThat(run.logs()).contains("$ ./mvnw -o -B package").contains("BUILD SUCCESS");

    ImageRef image = ImageRef.parse(run.record().steps().get(2).outputs().get("image"));
    Map<?, ?> config = config(image);
    assertThat(config.get("Entrypoint"))
        .isEqualTo(List.of("java", "-cp", "/app/resources:/app/classes:/app/libs/*", "hello.Main"));
    assertThat(String.valueOf(config.get("Env"))).contains("BASE=1");
    Path fs = Files.createDirectories(dir.resolve("unpacked/fs"));
    List<List<String>> layers = unpack(image, fs);
    // base, resources, classes (no dependencies: the project has none)
    assertThat(layers).hasSize(3);
    assertThat(layers.get(0)).contains("etc/base-release");
    assertThat(layers.get(1)).anyMatch(n -> n.endsWith("app/resources/greeting.txt"));
    assertThat(layers.get(2))
        .anyMatch(n -> n.endsWith("app/classes/hello/Main.class"))
        .noneMatch(n -> n.contains("resources"));

    // the image's files run with its class path (on this JVM: the test's base has no JRE)
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                fs.resolve("app/resources") + ":" + fs.resolve("app/classes"),
                "hello.Main")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("hello from maven\n");
  }

  @Test
  void jarLayout_putsTheBuiltJarInTheImage_andRunsItWithJavaJar() throws Exception {
    Path repo = mavenProject(true);
    Run run =
        run(
            repo,
            pipeline(
                "{baseImage: "
                    + REGISTRY.address()
                    + "/base/jre:1, layout: jar, wrapperArgs: [-o, -B, -q, package]}"));
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);
    ImageRef image = ImageRef.parse(run.record().steps().get(2).outputs().get("image"));
    assertThat(config(image).get("Entrypoint")).isEqualTo(List.of("java", "-jar", "/app/app.jar"));
    Path fs = Files.createDirectories(dir.resolve("unpacked/fs"));
    List<List<String>> layers = unpack(image, fs);
    assertThat(layers).hasSize(2);
    assertThat(layers.get(1)).anyMatch(n -> n.endsWith("app/app.jar"));
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                fs.resolve("app/app.jar").toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("hello from maven\n");
  }

  @Test
  void mavenProject_signedByTheAttestedBuilder_isBuiltByTheSameMeasuredBuilder() throws Exception {
    Path repo = mavenProject(true);
    Run run =
        run(
            repo,
            pipeline(
                    "{baseImage: "
                        + REGISTRY.address()
                        + "/base/jre:1, layout: jar, wrapperArgs: [-o, -B, -q, package]}")
                + "  - sign: {}\n");
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);
    // the wrapper ran under the measured builder, which passed its environment on (JAVA_HOME)
    Map<String, String> built = run.record().steps().get(1).outputs();
    assertThat(run.logs())
        .contains("building in the measured builder " + built.get("measurement"))
        .contains("$ ./mvnw -o -B -q package");
    assertThat(built).containsKeys("measurement", "evidence");
    ImageRef image = ImageRef.parse(run.record().steps().get(2).outputs().get("image"));
    assertThat(image.requireDigest().toString()).isEqualTo(built.get("digest"));
    // what cairn verify does: the image verifies against the home's trust root, build evidence
    // included, and names the commit
    var trust =
        dev.cairn.ledger.TrustRoot.parse(
            Files.readString(dev.cairn.core.CairnHome.of(dir.resolve("home")).trustRoot()));
    var result =
        dev.cairn.supplychain.ImageVerifier.create(Clock.systemUTC())
            .verify(
                dev.cairn.supplychain.ImageVerifyRequest.of(
                        image,
                        trust,
                        new dev.cairn.supplychain.ImageVerifyRequest.Source.Registry(oci))
                    .withCommit(run.record().commit()));
    assertThat(result)
        .as(result.toString())
        .isInstanceOf(dev.cairn.supplychain.ImageVerifyResult.Verified.class);
  }

  @Test
  void cancellingAMeasuredBuild_endsTheBuilderAndWhatItStarted() throws Exception {
    Path repo = mavenProject(false);
    Files.writeString(repo.resolve("mvnw"), "#!/bin/sh\necho wrapper-waiting\nexec sleep 271\n");
    repo.resolve("mvnw").toFile().setExecutable(true);
    List<ProcessHandle> started = new ArrayList<>();
    Run run =
        run(
            repo,
            pipeline("{baseImage: " + REGISTRY.address() + "/base/jre:1}") + "  - sign: {}\n",
            (engine, id) -> {
              org.awaitility.Awaitility.await()
                  .atMost(Duration.ofMinutes(2))
                  .until(
                      () ->
                          !measuredBuild().isEmpty()
                              || engine.run(id).orElseThrow().finished() != null);
              String logs = RunLogs.text(engine.store(), id);
              assertThat(measuredBuild()).as(logs).isNotEmpty();
              started.addAll(measuredBuild());
              started.addAll(sleeping());
              assertThat(engine.cancel(id)).isTrue();
            });
    assertThat(run.record().state()).isEqualTo(RunState.CANCELLED);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(measuredBuild()).isEmpty();
    assertThat(sleeping()).isEmpty();
  }

  /**
   * The measured builders this test started that run the wrapper: its parents whose command line
   * (read from /proc: too long for ProcessHandle to give whole) runs the builder's main class.
   */
  private static List<ProcessHandle> measuredBuild() {
    return sleeping().stream()
        .flatMap(h -> h.parent().stream())
        .filter(
            h -> {
              try {
                return new String(
                        Files.readAllBytes(Path.of("/proc", "" + h.pid(), "cmdline")),
                        StandardCharsets.UTF_8)
                    .contains(BuilderWorkload.class.getName());
              } catch (java.io.IOException e) {
                return false; // gone
              }
            })
        .toList();
  }

  private static List<ProcessHandle> sleeping() {
    return ProcessHandle.current()
        .descendants()
        .filter(h -> h.info().commandLine().map(c -> c.contains("sleep 271")).orElse(false))
        .toList();
  }

  @Test
  void mavenProjectWithoutItsWrapper_failsTheBuild_withAHint() throws Exception {
    Run run = run(mavenProject(false), pipeline("{}"));
    assertThat(run.record().state()).isEqualTo(RunState.FAILED);
    assertThat(run.record().failure().step()).isEqualTo("build");
    assertThat(run.record().failure().message())
        .contains("has no Maven wrapper (mvnw), and no Dockerfile");
  }

  @Test
  void gradleProject_isDetected_andBuiltWithItsOwnWrapper() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("app"));
    Files.writeString(repo.resolve("build.gradle.kts"), "plugins { application }\n");
    Run missing = run(repo, pipeline("{}"));
    assertThat(missing.record().failure().message())
        .contains("has no Gradle wrapper (gradlew), and no Dockerfile");
    Files.writeString(repo.resolve("gradlew"), "#!/bin/sh\nexit 0\n");
    // the default base image is off the pipeline's registry: resolved before the wrapper runs,
    // so an unreachable one fails at once rather than after the whole build
    Run offline = run(repo, pipeline("{}"));
    assertThat(offline.record().failure().message())
        .startsWith("registry docker.io unreachable")
        .contains("library/eclipse-temurin");
    assertThat(offline.logs()).doesNotContain("$ ./gradlew");

    // no Gradle distribution can be fetched here: a wrapper that reports how it was called and
    // fails shows the step runs ./gradlew with Gradle's arguments, its output in the step log
    Files.writeString(
        repo.resolve("gradlew"), "#!/bin/sh\necho \"gradlew called with: $*\"\nexit 3\n");
    Run called = run(repo, pipeline("{baseImage: " + REGISTRY.address() + "/base/jre:1}"));
    assertThat(called.record().state()).isEqualTo(RunState.FAILED);
    assertThat(called.logs())
        .contains("$ ./gradlew build --no-daemon --console=plain")
        .contains("gradlew called with: build --no-daemon --console=plain");
    assertThat(called.record().failure().message())
        .contains("./gradlew build --no-daemon --console=plain failed (exit 3)");
  }
}
