package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * A repository made here goes through checkout → build → push → sign into a real registry (Debian's
 * docker-registry), and what the sign step stored verifies: the signature and the SLSA provenance
 * naming the repository and commit.
 */
class PipelineStepsIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;

  @Test
  void commit_isBuiltPushedAndSigned_andTheSignatureAndProvenanceVerify() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("app"));
    Files.writeString(repo.resolve("hello.txt"), "hello from the pipeline\n");
    Files.writeString(repo.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    Files.createDirectories(repo.resolve(".cairn"));
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "name: hello\nsteps:\n  - checkout\n  - build\n  - push: {registry: "
            + REGISTRY.address()
            + ", repository: team/hello, insecure: true}\n  - sign: {}\n"
            + "    secrets: {SIGNING_KEY: signing-key}\n");
    String commit;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      commit =
          git.commit()
              .setMessage("first")
              .setAuthor("dev", "dev@example.com")
              .setCommitter("dev", "dev@example.com")
              .setSign(false)
              .call()
              .getName();
    }
    KeyPair keys = CosignKeys.generate();
    Secret pem = CosignKeys.privateKeyPem(keys.getPrivate());
    PipelineDefinition def = Pipelines.load(repo);

    RecordedRun run;
    try (RunEngine engine =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(Map.of()))
            .executors(Steps.all(Clock.systemUTC()))
            .secrets(SecretSource.of(Map.of("signing-key", pem)))
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
      run = new RecordedRun(r, RunLogs.text(engine.store(), r.id()));
    }
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);

    String image = run.record().steps().get(2).outputs().get("image");
    assertThat(image).startsWith(REGISTRY.address() + "/team/hello@sha256:");
    assertThat(run.record().steps().get(1).outputs().get("digest"))
        .isEqualTo(image.substring(image.indexOf('@') + 1));
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    Cosign cosign = Cosign.using(oci);
    ImageRef ref = ImageRef.parse(image);
    assertThat(cosign.verifySignature(ref, keys.getPublic(), Cosign.Storage.TAG).image())
        .isEqualTo(ref.requireDigest());
    String statement =
        new String(
            cosign
                .verifyAttestation(
                    ref, keys.getPublic(), "https://slsa.dev/provenance/v1", Cosign.Storage.BOTH)
                .statement(),
            StandardCharsets.UTF_8);
    assertThat(statement)
        .contains("\"gitCommit\":\"" + commit + "\"")
        .contains(repo.toUri().toString())
        .contains(Steps.LOCAL_BUILDER)
        .contains(def.digest().toString());

    // cairn verify IMAGE@DIGEST: the pipeline's own key is a plain (unattested) builder's
    dev.cairn.ledger.TrustRoot trust =
        dev.cairn.ledger.TrustRoot.empty()
            .withTrusted(
                new dev.cairn.ledger.TrustRoot.BuilderKey(keys.getPublic().getEncoded()),
                java.time.Instant.now().minus(Duration.ofHours(1)));
    dev.cairn.supplychain.ImageVerifyRequest verify =
        dev.cairn.supplychain.ImageVerifyRequest.of(
                ref, trust, new dev.cairn.supplychain.ImageVerifyRequest.Source.Registry(oci))
            .withSourceRepository(repo.toUri().toString())
            .withCommit(commit);
    dev.cairn.supplychain.ImageVerifier verifier =
        dev.cairn.supplychain.ImageVerifier.create(Clock.systemUTC());
    assertThat(verifier.verify(verify))
        .isInstanceOfSatisfying(
            dev.cairn.supplychain.ImageVerifyResult.NotVerified.class,
            n -> assertThat(n.link()).isEqualTo("builder"));
    assertThat(
            verifier.verify(
                new dev.cairn.supplychain.ImageVerifyRequest(
                    ref,
                    trust.withUnattestedBuildersAccepted(true),
                    verify.from(),
                    verify.sourceRepository(),
                    verify.commit(),
                    Steps.LOCAL_BUILDER,
                    null)))
        .isInstanceOfSatisfying(
            dev.cairn.supplychain.ImageVerifyResult.Verified.class,
            v -> assertThat(v.build().commit()).isEqualTo(commit));

    // the key never reaches a log or a record
    String key = new String(pem.bytes(), StandardCharsets.UTF_8);
    String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(run.logs()).doesNotContain(body);
    try (Stream<Path> files = Files.walk(dir.resolve("runs"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(body);
      }
    }
  }

  private record RecordedRun(RunRecord record, String logs) {}
}
