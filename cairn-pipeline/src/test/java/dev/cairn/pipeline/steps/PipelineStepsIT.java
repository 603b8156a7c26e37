package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.MeasuredJvm;
import dev.cairn.attest.PublishedTrust;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunLogs;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.StepState;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageBuilds;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.steps.internal.BuilderAttestation;
import dev.cairn.pipeline.steps.internal.Provenance;
import dev.cairn.supplychain.BuilderEvidence;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.CosignTool;
import dev.cairn.testing.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository made here goes through checkout → build → push → sign into a real registry (Debian's
 * docker-registry), and what the sign step stored verifies, with Cairn and with cosign itself: the
 * signature and the SLSA provenance naming the repository, the commit and the base image by digest.
 * By default the attested builder signs (a measured JVM that gets its key from the attestation
 * service only when its measurement matches the policy); a builder the policy does not approve gets
 * no key and the step fails naming its measurement.
 */
class PipelineStepsIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  static final Clock CLOCK = Clock.systemUTC();

  @TempDir static Path shared;
  static String base;

  @TempDir Path dir;

  @BeforeAll
  static void baseImage() throws Exception {
    CosignTool.binary(); // built once (cold: minutes), before any run is timed out
    Path ctx = Files.createDirectories(shared.resolve("base"));
    Files.writeString(ctx.resolve("base-release"), "cairn test base 1\n");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY base-release /etc/\n");
    String ref = REGISTRY.address() + "/base/tiny:1";
    BuiltImage built =
        ImageBuilds.build(
            ImageBuild.builder(ctx, Files.createDirectories(shared.resolve("base-work")))
                .output(new ImageOutput.Registry(ref, null, true))
                .build(),
            e -> {});
    base = ref + "@" + built.digest();
  }

  @Test
  void attestedBuilder_signsWithTheKeyTheServiceReleasedToIt_andCosignVerifiesBoth()
      throws Exception {
    App app = app("sign: {}\n", "team/attested");
    CairnHome home = CairnHome.of(dir.resolve("home"));
    RecordedRun run = run(app, home, Map.of());
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);

    PublicKey builderKey = publishedBuilderKey(home);
    ImageRef ref = image(run);
    Map<String, Object> provenance = verified(ref, builderKey, app);
    Digest measurement = Steps.builderMeasurement(home, CLOCK, MeasuredJvm.currentClassPath());
    Map<String, Object> builder = path(provenance, "predicate", "runDetails", "builder");
    assertThat(builder.get("id")).isEqualTo(Steps.ATTESTED_BUILDER);
    assertThat(builder.get("version"))
        .isEqualTo(
            Map.of(
                BuilderEvidence.MEASUREMENT_KEY,
                measurement.toString(),
                BuilderEvidence.TEE_KEY,
                "simulation"));
    // the evidence the provenance carries: its digest, and what it states
    Map<?, ?> byproduct =
        (Map<?, ?>)
            ((List<?>) path(provenance, "predicate", "runDetails").get("byproducts")).get(0);
    assertThat(byproduct.get("name")).isEqualTo(BuilderEvidence.EVIDENCE_NAME);
    assertThat(byproduct.get("mediaType")).isEqualTo(BuilderEvidence.EVIDENCE_MEDIA_TYPE);
    byte[] evidenceJson = Base64.getDecoder().decode((String) byproduct.get("content"));
    assertThat(byproduct.get("digest"))
        .isEqualTo(Map.of("sha256", Digest.sha256(evidenceJson).hex()));
    Evidence evidence = Evidence.parse(new String(evidenceJson, StandardCharsets.UTF_8));
    assertThat(evidence.measurement()).isEqualTo(measurement);
    assertThat(evidence.reportData())
        .isEqualTo(
            BuilderEvidence.reportData(
                ref.requireDigest(), Digest.sha256(builderKey.getEncoded()), run.record().id()));
    // the same measured builder built the image: its evidence binds the image, run and commit
    Map<?, ?> built =
        (Map<?, ?>)
            ((List<?>) path(provenance, "predicate", "runDetails").get("byproducts")).get(1);
    assertThat(built.get("name")).isEqualTo(BuilderEvidence.BUILD_EVIDENCE_NAME);
    Evidence buildEvidence =
        Evidence.parse(
            new String(
                Base64.getDecoder().decode((String) built.get("content")), StandardCharsets.UTF_8));
    assertThat(buildEvidence.measurement()).isEqualTo(measurement);
    assertThat(buildEvidence.reportData())
        .isEqualTo(
            BuilderEvidence.buildReportData(ref.requireDigest(), run.record().id(), app.commit()));
    assertThat(run.record().steps().get(1).outputs())
        .containsEntry("measurement", measurement.toString())
        .containsEntry("digest", ref.requireDigest().toString());
    assertThat(run.logs()).contains("building in the measured builder " + measurement);
    assertThat(run.record().steps().get(3).outputs())
        .containsEntry("measurement", measurement.toString())
        .containsEntry("builder", Steps.ATTESTED_BUILDER);

    // cosign itself accepts both with the builder's published key
    Path pub = dir.resolve("builder.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(builderKey));
    cosignVerifies(ref, pub);

    // the sign step grew the home's trust root with the builder: cairn verify IMAGE@DIGEST holds
    dev.cairn.ledger.TrustRoot trust =
        dev.cairn.ledger.TrustRoot.parse(Files.readString(home.trustRoot()));
    assertThat(
            trust.trustedAt(
                new dev.cairn.ledger.TrustRoot.BuilderMeasurement(measurement),
                java.time.Instant.now()))
        .isTrue();
    var oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    var verify =
        dev.cairn.supplychain.ImageVerifyRequest.of(
                ref, trust, new dev.cairn.supplychain.ImageVerifyRequest.Source.Registry(oci))
            .withSourceRepository(app.repo().toUri().toString())
            .withCommit(app.commit());
    assertThat(
            dev.cairn.supplychain.ImageVerifier.create(java.time.Clock.systemUTC()).verify(verify))
        .isInstanceOfSatisfying(
            dev.cairn.supplychain.ImageVerifyResult.Verified.class,
            v -> {
              assertThat(v.build().commit()).isEqualTo(app.commit());
              // the evidence in the provenance backs the measurement it claims
              assertThat(v.build().measurement()).isEqualTo(measurement);
            });
  }

  @Test
  void attestedBuilder_withASuppliedKey_sealsItToThePolicy_andTheKeyIsNowhereInTheRun()
      throws Exception {
    KeyPair keys = CosignKeys.generate();
    Secret pem = CosignKeys.privateKeyPem(keys.getPrivate());
    App app = app("sign: {}\n    secrets: {SIGNING_KEY: signing-key}\n", "team/supplied");
    CairnHome home = CairnHome.of(dir.resolve("home"));
    RecordedRun run = run(app, home, Map.of("signing-key", pem));
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);

    assertThat(publishedBuilderKey(home).getEncoded()).isEqualTo(keys.getPublic().getEncoded());
    ImageRef ref = image(run);
    Map<String, Object> provenance = verified(ref, keys.getPublic(), app);
    assertThat(path(provenance, "predicate", "runDetails", "builder").get("id"))
        .isEqualTo(Steps.ATTESTED_BUILDER);
    assertThat(run.logs()).contains("sealed the SIGNING_KEY to the builder's attestation policy");
    noKeyIn(pem, run, dir.resolve("runs"), provenance);
  }

  @Test
  void builderTheTeamsPolicyDoesNotApprove_getsNoKey_andTheStepFailsNamingItsMeasurement()
      throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    Digest other = Digest.sha256("another build of the builder");
    // a team's attestation service: it trusts this machine's (simulated) platform, and approves
    // only another builder
    AttestationService team =
        AttestationService.open(
            dir.resolve("team-attestation"),
            List.of(Tees.simulation(home, CLOCK).platformKey()),
            CLOCK);
    team.install(BuilderAttestation.policy(1, null, other));
    Digest measurement = Steps.builderMeasurement(home, CLOCK, MeasuredJvm.currentClassPath());
    try (AttestationHttp http = AttestationHttp.serve(team, "127.0.0.1", 0)) {
      App app = app("sign: {attestation: \"" + http.uri() + "\"}\n", "team/refused");
      RecordedRun run = run(app, home, Map.of());
      assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.FAILED);
      StepRecord sign = run.record().steps().get(3);
      assertThat(sign.state()).isEqualTo(StepState.FAILED);
      assertThat(sign.attempts()).isEqualTo(1);
      assertThat(sign.message())
          .isEqualTo(
              "the attestation service refused the builder its signing key: measurement "
                  + measurement
                  + " is not allowed by the attestation policy");
      // nothing was stored for the image
      OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
      ImageRef ref = image(run);
      assertThat(oci.findManifest(ref.withTag("sha256-" + ref.requireDigest().hex() + ".sig")))
          .isEmpty();
    }
    assertThat(team.auditLog())
        .anySatisfy(l -> assertThat(l).contains("\"allowed\":false").contains(measurement.hex()));
  }

  @Test
  void aTeamsServiceApprovingTheBuilder_signs_andVerifiesOnceTheOperatorTrustsIt()
      throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    Digest measurement = Steps.builderMeasurement(home, CLOCK, MeasuredJvm.currentClassPath());
    AttestationService team =
        AttestationService.open(
            dir.resolve("team-attestation"),
            List.of(Tees.simulation(home, CLOCK).platformKey()),
            CLOCK);
    team.install(BuilderAttestation.policy(1, null, measurement));
    try (AttestationHttp http = AttestationHttp.serve(team, "127.0.0.1", 0)) {
      App app = app("sign: {attestation: \"" + http.uri() + "\"}\n", "team/approved");
      RecordedRun run = run(app, home, Map.of());
      assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);
      assertThat(run.logs()).contains("cairn trust add-builder-key");
      ImageRef ref = image(run);
      var oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
      Path trustFile = dir.resolve("operator-trust.json");
      // a service named in a pipeline file is never trusted for being named there
      assertThat(java.nio.file.Files.exists(home.trustRoot())).isFalse();
      Steps.TrustedBuilder t =
          Steps.trustBuilderService(trustFile, http.uri(), run.record().created());
      assertThat(t.added()).isEqualTo(3); // builder key, measurement, platform key
      assertThat(t.measurements()).isEqualTo(1);
      assertThat(Steps.trustBuilderService(trustFile, http.uri(), run.record().created()).added())
          .as("only grows")
          .isZero();
      dev.cairn.ledger.TrustRoot trust =
          dev.cairn.ledger.TrustRoot.parse(java.nio.file.Files.readString(trustFile));
      assertThat(
              dev.cairn.supplychain.ImageVerifier.create(CLOCK)
                  .verify(
                      dev.cairn.supplychain.ImageVerifyRequest.of(
                              ref,
                              trust,
                              new dev.cairn.supplychain.ImageVerifyRequest.Source.Registry(oci))
                          .withCommit(app.commit())))
          .isInstanceOf(dev.cairn.supplychain.ImageVerifyResult.Verified.class);
    }
  }

  @Test
  void aSuppliedKeyWithATeamsService_isRefused_withoutLaunchingOrShowingIt() throws Exception {
    KeyPair keys = CosignKeys.generate();
    Secret pem = CosignKeys.privateKeyPem(keys.getPrivate());
    App app =
        app(
            "sign: {attestation: \"http://127.0.0.1:9\"}\n    secrets: {SIGNING_KEY: signing-key}\n",
            "team/both");
    RecordedRun run = run(app, CairnHome.of(dir.resolve("home")), Map.of("signing-key", pem));
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.FAILED);
    assertThat(run.record().steps().get(3).message())
        .isEqualTo(
            "the sign step has a SIGNING_KEY and an attestation service: a team's attestation"
                + " service holds the builder key itself");
    noKeyIn(pem, run, dir.resolve("runs"), Map.of());
  }

  @Test
  void localBuilder_isExplicit_signsWithTheKeyInProcess_andSaysSoInTheProvenance()
      throws Exception {
    KeyPair keys = CosignKeys.generate();
    Secret pem = CosignKeys.privateKeyPem(keys.getPrivate());
    App app =
        app("sign: {attested: false}\n    secrets: {SIGNING_KEY: signing-key}\n", "team/local");
    RecordedRun run = run(app, CairnHome.of(dir.resolve("home")), Map.of("signing-key", pem));
    assertThat(run.record().state()).as(run.logs()).isEqualTo(RunState.SUCCEEDED);

    ImageRef ref = image(run);
    Map<String, Object> provenance = verified(ref, keys.getPublic(), app);
    assertThat(path(provenance, "predicate", "runDetails", "builder"))
        .isEqualTo(Map.of("id", Steps.LOCAL_BUILDER));
    assertThat(path(provenance, "predicate", "runDetails")).doesNotContainKey("byproducts");
    // no attested signer, so the step built in process: nothing measured, no evidence
    assertThat(run.record().steps().get(1).outputs()).doesNotContainKeys("measurement", "evidence");
    noKeyIn(pem, run, dir.resolve("runs"), provenance);
    Path pub = dir.resolve("cosign.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(keys.getPublic()));
    cosignVerifies(ref, pub);
  }

  // ------------------------------------------------------------------------------ helpers

  private record App(Path repo, String commit, PipelineDefinition definition) {}

  private record RecordedRun(RunRecord record, String logs) {}

  /** A repository whose pipeline ends with {@code sign} as given, built on the base image. */
  private App app(String sign, String repository) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("app"));
    Files.writeString(repo.resolve("hello.txt"), "hello from the pipeline\n");
    Files.writeString(
        repo.resolve("Dockerfile"),
        "FROM " + REGISTRY.address() + "/base/tiny:1\nCOPY hello.txt /hello.txt\n");
    Files.createDirectories(repo.resolve(".cairn"));
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "name: hello\nsteps:\n  - checkout\n  - build\n  - push: {registry: "
            + REGISTRY.address()
            + ", repository: "
            + repository
            + ", insecure: true}\n  - "
            + sign);
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
    return new App(repo, commit, Pipelines.load(repo));
  }

  private RecordedRun run(App app, CairnHome home, Map<String, Secret> secrets) throws Exception {
    try (RunEngine engine =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .executor(Pipelines.localRunExecutor(Map.of()))
            .executors(Steps.all(home, CLOCK))
            .secrets(SecretSource.of(secrets))
            .start()) {
      RunRecord r =
          engine.await(
              engine
                  .submit(
                      RunRequest.of(
                          app.repo().toUri().toString(),
                          app.commit(),
                          "refs/heads/main",
                          Trigger.manual("dev", app.commit(), "refs/heads/main"),
                          app.definition()))
                  .run()
                  .id(),
              Duration.ofMinutes(3));
      return new RecordedRun(r, RunLogs.text(engine.store(), r.id()));
    }
  }

  private static ImageRef image(RecordedRun run) throws Exception {
    String image = run.record().steps().get(2).outputs().get("image");
    assertThat(image).startsWith(REGISTRY.address() + "/team/").contains("@sha256:");
    assertThat(run.record().steps().get(1).outputs().get("digest"))
        .isEqualTo(image.substring(image.indexOf('@') + 1));
    return ImageRef.parse(image);
  }

  /**
   * The signature and provenance verify with {@code key} from tags and referrers; the provenance
   * names the repository, commit, pipeline, the base by digest and the build's start.
   */
  private Map<String, Object> verified(ImageRef ref, PublicKey key, App app) throws Exception {
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    Cosign cosign = Cosign.using(oci);
    Map<String, Object> statement = null;
    for (Cosign.Storage from : List.of(Cosign.Storage.TAG, Cosign.Storage.REFERRER)) {
      assertThat(cosign.verifySignature(ref, key, from).image()).isEqualTo(ref.requireDigest());
      statement =
          Json.parseObject(
              new String(
                  cosign.verifyAttestation(ref, key, Provenance.PREDICATE_TYPE, from).statement(),
                  StandardCharsets.UTF_8));
    }
    assertThat(statement).isNotNull();
    Map<String, Object> definition = path(statement, "predicate", "buildDefinition");
    assertThat(definition.get("resolvedDependencies"))
        .isEqualTo(
            List.of(
                Map.of(
                    "uri", app.repo().toUri().toString(),
                    "digest", Map.of("gitCommit", app.commit())),
                Map.of(
                    "uri",
                    "oci://" + REGISTRY.address() + "/base/tiny:1",
                    "digest",
                    Map.of("sha256", base.substring(base.indexOf("@sha256:") + 8)))));
    assertThat(path(statement, "predicate", "buildDefinition", "externalParameters"))
        .containsEntry("pipelineDigest", app.definition().digest().toString());
    Map<String, Object> metadata = path(statement, "predicate", "runDetails", "metadata");
    Instant started = Instant.parse((String) metadata.get("startedOn"));
    assertThat(started).isBefore(Instant.parse((String) metadata.get("finishedOn")));
    return statement;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> path(Map<?, ?> m, String... keys) {
    Map<?, ?> at = m;
    for (String k : keys) {
      assertThat(at.containsKey(k)).as("has " + k).isTrue();
      at = (Map<?, ?>) at.get(k);
    }
    return (Map<String, Object>) at;
  }

  private static PublicKey publishedBuilderKey(CairnHome home) throws Exception {
    PublishedTrust t =
        AttestationService.open(
                home.attestation(), List.of(Tees.simulation(home, CLOCK).platformKey()), CLOCK)
            .published(
                BuilderAttestation.SESSION,
                BuilderAttestation.SERVICE,
                BuilderAttestation.KEY_SECRET,
                "");
    assertThat(t.isBuilder()).isTrue();
    assertThat(t.builderMeasurements()).isNotEmpty();
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(t.builderKey()));
  }

  private void cosignVerifies(ImageRef ref, Path pub) throws Exception {
    CosignTool.Result v =
        CosignTool.cosign(
            dir,
            "verify",
            "--key",
            pub.toString(),
            "--insecure-ignore-tlog=true",
            "--allow-http-registry=true",
            ref.toString());
    assertThat(v.exitCode()).as(v.output()).isZero();
    CosignTool.Result a =
        CosignTool.cosign(
            dir,
            "verify-attestation",
            "--key",
            pub.toString(),
            "--type",
            "slsaprovenance1",
            "--insecure-ignore-tlog=true",
            "--allow-http-registry=true",
            ref.toString());
    assertThat(a.exitCode()).as(a.output()).isZero();
  }

  /** The key's PEM body is in no log, no run record and not in the provenance. */
  private static void noKeyIn(Secret pem, RecordedRun run, Path records, Map<String, ?> provenance)
      throws Exception {
    String key = new String(pem.bytes(), StandardCharsets.UTF_8);
    String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    String der =
        Base64.getEncoder()
            .encodeToString(
                CosignKeys.readPrivateKey(pem).getEncoded()); // the form the builder is given
    assertThat(run.logs()).doesNotContain(body).doesNotContain(der);
    assertThat(Json.canonical(provenance)).doesNotContain(body).doesNotContain(der);
    assertThat(run.record().toString()).doesNotContain(body);
    try (Stream<Path> files = Files.walk(records)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(body).doesNotContain(der);
      }
    }
  }
}
