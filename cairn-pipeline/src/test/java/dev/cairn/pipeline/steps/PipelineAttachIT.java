package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.AttestationService;
import dev.cairn.attest.PublishedTrust;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunLogs;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.Trigger;
import dev.cairn.pipeline.steps.internal.BuilderAttestation;
import dev.cairn.pipeline.steps.internal.Extras;
import dev.cairn.pipeline.steps.internal.Provenance;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.ImageVerifyRequest;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.vuln.VulnDb;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with sbom, vuln-gate and sign into a real registry (Debian's docker-registry) attaches the
 * SBOM ({@code https://cyclonedx.org/bom}) and the gate's result ({@code
 * https://cairn.dev/vuln-gate/v1}) as in-toto attestations beside the provenance, signed by the
 * same signer: the attested builder (and Cairn's image verifier returns them) or the local key (and
 * cosign's own {@code verify-attestation --type cyclonedx} reads the SBOM back).
 */
class PipelineAttachIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  static final Clock CLOCK = Clock.systemUTC();

  @TempDir Path dir;

  @BeforeAll
  static void cosign() throws Exception {
    CosignTool.binary(); // built once (cold: minutes), before any run is timed out
  }

  @Test
  void attestedBuilder_attachesSbomAndGateResult_andTheVerifierReturnsThem() throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    RunRecord r = run(home, "sign: {}\n", "team/attach-attested", Map.of());
    StepRecord sign = r.steps().get(5);
    ImageRef ref = ImageRef.parse(r.steps().get(2).outputs().get("image"));
    byte[] sbom = Files.readAllBytes(Path.of(r.steps().get(3).outputs().get("sbom")));
    byte[] gate = Files.readAllBytes(Path.of(r.steps().get(4).outputs().get("vulnGate")));
    assertThat(sign.outputs()).containsKeys("sbomAttestation", "vulnAttestation");

    PublicKey builderKey = publishedBuilderKey(home);
    Map<String, Object> provenance = attested(ref, builderKey, sbom, gate, sign);
    // the provenance names the SBOM and the gate's result it was signed with
    assertThat(Json.canonical(provenance))
        .contains(Digest.sha256(sbom).hex())
        .contains(Digest.sha256(gate).hex());

    dev.cairn.ledger.TrustRoot trust =
        dev.cairn.ledger.TrustRoot.parse(Files.readString(home.trustRoot()));
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    ImageVerifyResult result =
        ImageVerifier.create(CLOCK)
            .verify(ImageVerifyRequest.of(ref, trust, new ImageVerifyRequest.Source.Registry(oci)));
    assertThat(result).isInstanceOf(ImageVerifyResult.Verified.class);
    ImageVerifyResult.Verified v = (ImageVerifyResult.Verified) result;
    assertThat(v.attestations(Extras.CYCLONEDX))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.predicate()).isEqualTo(canonical(sbom));
              assertThat(a.key()).isEqualTo(v.provenanceKey());
              assertThat(a.foundIn()).containsExactlyInAnyOrder("tag", "referrer");
            });
    assertThat(v.attestations(Extras.VULN_GATE))
        .singleElement()
        .satisfies(a -> assertThat(a.predicate()).isEqualTo(canonical(gate)));
    assertThat(v.attestations("https://example.com/none")).isEmpty();
    assertThat(v.attestations(Provenance.PREDICATE_TYPE)).isEmpty();

    Path pub = dir.resolve("builder.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(builderKey));
    cosignReadsTheSbom(ref, pub, sbom);
  }

  @Test
  void localKey_attachesSbomAndGateResult_andCosignVerifiesTheSbomAsCycloneDx() throws Exception {
    KeyPair keys = CosignKeys.generate();
    Secret pem = CosignKeys.privateKeyPem(keys.getPrivate());
    RunRecord r =
        run(
            CairnHome.of(dir.resolve("home")),
            "sign: {attested: false}\n    secrets: {SIGNING_KEY: signing-key}\n",
            "team/attach-local",
            Map.of("signing-key", pem));
    StepRecord sign = r.steps().get(5);
    ImageRef ref = ImageRef.parse(r.steps().get(2).outputs().get("image"));
    byte[] sbom = Files.readAllBytes(Path.of(r.steps().get(3).outputs().get("sbom")));
    byte[] gate = Files.readAllBytes(Path.of(r.steps().get(4).outputs().get("vulnGate")));
    assertThat(sign.outputs()).containsEntry("builder", Steps.LOCAL_BUILDER);
    attested(ref, keys.getPublic(), sbom, gate, sign);

    Path pub = dir.resolve("cosign.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(keys.getPublic()));
    cosignReadsTheSbom(ref, pub, sbom);
    // another key does not verify it
    Path other = dir.resolve("other.pub");
    Files.writeString(other, CosignKeys.publicKeyPem(CosignKeys.generate().getPublic()));
    CosignTool.Result refused =
        CosignTool.cosign(
            dir,
            "verify-attestation",
            "--key",
            other.toString(),
            "--type",
            "cyclonedx",
            "--insecure-ignore-tlog=true",
            "--allow-http-registry=true",
            ref.toString());
    assertThat(refused.exitCode()).as(refused.output()).isNotZero();
  }

  // ------------------------------------------------------------------------------ helpers

  private static String canonical(byte[] json) throws Exception {
    return Json.canonical(Json.parseObject(new String(json, StandardCharsets.UTF_8)));
  }

  /**
   * Both statements verify under {@code key} from tags and referrers, about the image, with the
   * files' content as predicates, and the step's outputs name their envelopes; returns the
   * provenance.
   */
  private static Map<String, Object> attested(
      ImageRef ref, PublicKey key, byte[] sbom, byte[] gate, StepRecord sign) throws Exception {
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    Cosign cosign = Cosign.using(oci);
    Map<String, Object> provenance = Map.of();
    for (Cosign.Storage from : List.of(Cosign.Storage.TAG, Cosign.Storage.REFERRER)) {
      Map<String, Object> s = statement(cosign.verifyAttestation(ref, key, Extras.CYCLONEDX, from));
      assertThat(Json.canonical(s.get("predicate"))).isEqualTo(canonical(sbom));
      assertThat(Json.canonical(s.get("subject"))).contains(ref.requireDigest().hex());
      Map<String, Object> g = statement(cosign.verifyAttestation(ref, key, Extras.VULN_GATE, from));
      assertThat(Json.canonical(g.get("predicate"))).isEqualTo(canonical(gate));
      provenance = statement(cosign.verifyAttestation(ref, key, Provenance.PREDICATE_TYPE, from));
    }
    // the outputs are the digests of the stored envelopes (the layers in .att and the referrers)
    assertThat(sign.outputs().get("sbomAttestation")).startsWith("sha256:");
    assertThat(sign.outputs().get("vulnAttestation"))
        .startsWith("sha256:")
        .isNotEqualTo(sign.outputs().get("sbomAttestation"));
    return provenance;
  }

  private static Map<String, Object> statement(Cosign.VerifiedAttestation a) throws Exception {
    return Json.parseObject(new String(a.statement(), StandardCharsets.UTF_8));
  }

  /** cosign's own verify-attestation --type cyclonedx accepts it and prints the SBOM back. */
  private void cosignReadsTheSbom(ImageRef ref, Path pub, byte[] sbom) throws Exception {
    CosignTool.Result a =
        CosignTool.cosign(
            dir,
            "verify-attestation",
            "--key",
            pub.toString(),
            "--type",
            "cyclonedx",
            "--insecure-ignore-tlog=true",
            "--allow-http-registry=true",
            ref.toString());
    assertThat(a.exitCode()).as(a.output()).isZero();
    List<Object> predicates = new ArrayList<>();
    for (String line : a.output().lines().toList()) {
      if (!line.startsWith("{")) {
        continue;
      }
      Map<String, Object> env = Json.parseObject(line);
      Map<String, Object> st =
          Json.parseObject(
              new String(
                  Base64.getDecoder().decode((String) env.get("payload")), StandardCharsets.UTF_8));
      assertThat(st.get("predicateType")).isEqualTo("https://cyclonedx.org/bom");
      predicates.add(Json.canonical(st.get("predicate")));
    }
    // the same statement is under the .att tag and in a referrer: cosign reads the tag
    assertThat(predicates).isNotEmpty().allSatisfy(p -> assertThat(p).isEqualTo(canonical(sbom)));
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
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(t.builderKey()));
  }

  /**
   * checkout → build → push → sbom → vuln-gate → {@code sign}, on an image with a dpkg database.
   */
  private RunRecord run(CairnHome home, String sign, String repository, Map<String, Secret> secrets)
      throws Exception {
    Path osv = dir.resolve("osv.json");
    Files.writeString(
        osv,
        """
        [{"id": "DEBIAN-CVE-2099-0002", "modified": "2026-11-20T10:00:00Z",
          "affected": [{"package": {"ecosystem": "Debian:12", "name": "zlib"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.3-1"}]}]}],
          "database_specific": {"severity": "LOW"}}]
        """);
    VulnDb.open(home, CLOCK).importFrom(osv);
    Path repo = Files.createDirectories(dir.resolve("app"));
    Files.createDirectories(repo.resolve("rootfs/var/lib/dpkg"));
    Files.createDirectories(repo.resolve("rootfs/etc"));
    Files.writeString(repo.resolve("rootfs/etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
    Files.writeString(
        repo.resolve("rootfs/var/lib/dpkg/status"),
        "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\n"
            + "Version: 1:1.2.13.dfsg-1\n");
    Files.writeString(
        repo.resolve("Dockerfile"),
        "FROM scratch\nCOPY rootfs/etc/os-release /etc/os-release\n"
            + "COPY rootfs/var/lib/dpkg/status /var/lib/dpkg/status\n");
    Files.createDirectories(repo.resolve(".cairn"));
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "name: attach\nsteps:\n  - checkout\n  - build\n  - push: {registry: "
            + REGISTRY.address()
            + ", repository: "
            + repository
            + ", insecure: true}\n  - sbom: {}\n  - vuln-gate: {failOn: critical}\n  - "
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
    try (RunEngine engine =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .keepWorkspaces(true)
            .executor(Pipelines.localRunExecutor(Map.of()))
            .executors(Steps.all(home, CLOCK))
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
                          Pipelines.load(repo)))
                  .run()
                  .id(),
              Duration.ofMinutes(3));
      assertThat(r.state()).as(RunLogs.text(engine.store(), r.id())).isEqualTo(RunState.SUCCEEDED);
      assertThat(RunLogs.text(engine.store(), r.id()))
          .contains(
              "attested https://cyclonedx.org/bom about "
                  + r.steps().get(2).outputs().get("image"));
      return r;
    }
  }
}
