package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunLogs;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.Trigger;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.RegistryAuth;
import dev.cairn.testing.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pipeline's build → push → sign against real TLS registries with their own CA: docker-registry
 * with bcrypt htpasswd (basic auth), and with bearer tokens from a token service the fixture runs.
 * The base image comes from the same registry; the CA is given as a file (basic) or as a secret
 * (token). Without the CA nothing falls back to plain HTTP or to an unchecked certificate.
 */
class PipelineRegistriesIT {
  @RegisterExtension static final LocalRegistry BASIC = LocalRegistry.tlsBasic();
  @RegisterExtension static final LocalRegistry TOKEN = LocalRegistry.tlsToken();

  @TempDir Path dir;

  static Stream<LocalRegistry> registries() {
    return Stream.of(BASIC, TOKEN);
  }

  private OciClient trusting(LocalRegistry r) {
    return Registries.builder()
        .caCertificate(r.address(), r.caCertificate())
        .auth(r.address(), RegistryAuth.basic(r.username(), Secret.ofUtf8(r.password())))
        .build();
  }

  private String commit(Path repo, String pipeline) throws Exception {
    Files.writeString(repo.resolve("hello.txt"), "hello over TLS\n");
    Files.createDirectories(repo.resolve(".cairn"));
    Files.writeString(repo.resolve(".cairn/pipeline.yaml"), pipeline);
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage("first")
          .setAuthor("dev", "dev@example.com")
          .setCommitter("dev", "dev@example.com")
          .setSign(false)
          .call()
          .getName();
    }
  }

  private RunRecord run(Path repo, String commit, Map<String, Secret> secrets, StringBuilder logs)
      throws Exception {
    PipelineDefinition def = Pipelines.load(repo);
    try (RunEngine engine =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(Map.of()))
            .executors(
                Steps.all(dev.cairn.core.CairnHome.of(dir.resolve("home")), Clock.systemUTC()))
            .secrets(SecretSource.of(secrets))
            .start()) {
      RunRecord r =
          engine.await(
              engine
                  .submit(
                      RunRequest.of(
                          repo.toUri().toString(),
                          commit,
                          "refs/heads/main",
                          Trigger.manual("dev", commit, "refs/heads/main"),
                          def))
                  .run()
                  .id(),
              Duration.ofMinutes(3));
      logs.append(RunLogs.text(engine.store(), r.id()));
      return r;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("registries")
  void buildPushSign_toATlsRegistryWithItsOwnCa_andAuth(LocalRegistry registry) throws Exception {
    boolean token = registry.mode() == LocalRegistry.Mode.TLS_TOKEN;
    int tokensBefore = registry.tokensIssued();
    ImageRef base =
        TestBases.push(trusting(registry), ImageRef.parse(registry.address() + "/base/tiny:1"));
    Path repo = Files.createDirectories(dir.resolve("app"));
    // a layer past what the push holds in memory (4 MiB): streamed from disk, sent again after
    // the registry's auth challenge
    byte[] big = new byte[6 << 20];
    new java.util.Random(7).nextBytes(big);
    Files.write(repo.resolve("big.bin"), big);
    Files.writeString(
        repo.resolve("Dockerfile"),
        "FROM "
            + registry.address()
            + "/base/tiny:1\nCOPY hello.txt /hello.txt\nCOPY big.bin /big.bin\n");
    String auth =
        "REGISTRY_USERNAME: registry-user, REGISTRY_PASSWORD: registry-password"
            + (token ? ", REGISTRY_CA_CERTIFICATE: registry-ca" : "");
    String ca = token ? "" : ", caCertificate: " + registry.caCertificate();
    String commit =
        commit(
            repo,
            "name: tls\nsteps:\n  - checkout\n  - build: {}\n    secrets: {"
                + auth
                + "}\n  - push: {registry: "
                + registry.address()
                + ", repository: team/app"
                + ca
                + "}\n    secrets: {"
                + auth
                + "}\n  - sign: {}\n    secrets: {SIGNING_KEY: signing-key, "
                + auth
                + "}\n");
    KeyPair keys = CosignKeys.generate();
    Secret password = Secret.ofUtf8(registry.password());
    StringBuilder logs = new StringBuilder();
    RunRecord r =
        run(
            repo,
            commit,
            Map.of(
                "signing-key", CosignKeys.privateKeyPem(keys.getPrivate()),
                "registry-user", Secret.ofUtf8(registry.username()),
                "registry-password", password,
                "registry-ca", Secret.ofUtf8(Files.readString(registry.caCertificate()))),
            logs);
    assertThat(r.state()).as(logs.toString()).isEqualTo(RunState.SUCCEEDED);
    assertThat(logs).contains("pulled the base image " + base.name() + ":1");

    String image = r.steps().get(2).outputs().get("image");
    assertThat(image).startsWith(registry.address() + "/team/app@sha256:");
    ImageRef ref = ImageRef.parse(image);
    OciClient oci = trusting(registry);
    assertThat(oci.headManifest(ref)).isPresent();
    // the base's layer is the image's first
    assertThat(new String(oci.getManifest(ref).bytes(), StandardCharsets.UTF_8))
        .contains(
            new String(oci.getManifest(base).bytes(), StandardCharsets.UTF_8)
                .replaceAll(
                    "(?s).*\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]+)\".*", "$1"));
    // the big layer arrived whole
    Map<String, Object> manifest =
        dev.cairn.core.Json.parseObject(
            new String(oci.getManifest(ref).bytes(), StandardCharsets.UTF_8));
    Map<?, ?> last = (Map<?, ?>) ((java.util.List<?>) manifest.get("layers")).getLast();
    assertThat(((Number) last.get("size")).longValue()).isGreaterThan(4L << 20);
    Digest layer = Digest.parse((String) last.get("digest"));
    assertThat(Digest.sha256(oci.getBlob(ref, layer))).isEqualTo(layer);
    assertThat(Cosign.using(oci).verifySignature(ref, keys.getPublic(), Cosign.Storage.TAG).image())
        .isEqualTo(ref.requireDigest());
    if (token) {
      assertThat(registry.tokensIssued()).isGreaterThan(tokensBefore);
    }
    assertThat(logs.toString()).doesNotContain(registry.password());
    try (Stream<Path> files = Files.walk(dir.resolve("runs"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(registry.password());
      }
    }
  }

  @Test
  void withoutTheCa_theBuildFailsOnTls_andNothingFallsBackToPlainHttp() throws Exception {
    TestBases.push(trusting(BASIC), ImageRef.parse(BASIC.address() + "/base/tiny:1"));
    Path repo = Files.createDirectories(dir.resolve("app"));
    Files.writeString(
        repo.resolve("Dockerfile"),
        "FROM " + BASIC.address() + "/base/tiny:1\nCOPY hello.txt /hello.txt\n");
    String commit =
        commit(
            repo,
            "name: no-ca\nsteps:\n  - checkout\n  - build\n  - push: {registry: "
                + BASIC.address()
                + ", repository: team/app}\n");
    StringBuilder logs = new StringBuilder();
    RunRecord r = run(repo, commit, Map.of(), logs);
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.failure()).isNotNull();
    assertThat(r.failure().step()).isEqualTo("build");
    assertThat(r.failure().message()).contains("TLS with " + BASIC.address() + " failed");
  }
}
