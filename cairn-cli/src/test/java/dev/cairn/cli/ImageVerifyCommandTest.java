package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn trust add-builder-key|allow-unattested-builders} and {@code cairn verify
 * IMAGE@DIGEST --bundle DIR}: a plain builder key's image, refused until the trust root accepts
 * unattested builders, then verified; text, JSON and exit codes.
 */
class ImageVerifyCommandTest {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String REPO = "https://git.example/team/app";

  @TempDir Path dir;

  /** An image (a config and no layers) signed and attested by {@code key} into a bundle. */
  static ImageRef bundle(Path bundle, KeyPair key) throws Exception {
    return signed(Registries.layout(bundle), ImageRef.parse("registry.test/team/app:v1"), key);
  }

  /**
   * An image (a config and no layers) pushed to {@code repo}, signed and attested by {@code key}.
   */
  static ImageRef signed(OciClient layout, ImageRef repo, KeyPair key) throws Exception {
    Descriptor config =
        layout.pushBlob(
            repo,
            MediaTypes.OCI_CONFIG,
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8));
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OCI_CONFIG
            + "\",\"digest\":\""
            + config.digest()
            + "\",\"size\":"
            + config.size()
            + "},\"layers\":[]}";
    Manifest m = Manifest.of(MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    layout.putManifest(repo, m);
    ImageRef image = repo.withDigest(m.digest());
    Cosign cosign = Cosign.using(layout);
    cosign.sign(image, key.getPrivate(), Cosign.Storage.BOTH);
    Map<String, Object> predicate =
        Map.of(
            "buildDefinition",
            Map.of(
                "buildType", "https://cairn.dev/pipeline/run/v1",
                "externalParameters", Map.of("repository", REPO, "ref", "refs/heads/main"),
                "resolvedDependencies",
                    List.of(Map.of("uri", REPO, "digest", Map.of("gitCommit", COMMIT)))),
            "runDetails",
            Map.of(
                "builder", Map.of("id", "https://cairn.dev/builder/local/v1"),
                "metadata", Map.of("finishedOn", Instant.now().minusSeconds(5).toString())));
    cosign.attest(
        image,
        Cosign.statement(image, ImageVerifier.SLSA_PROVENANCE_V1, predicate),
        key.getPrivate(),
        Cosign.Storage.BOTH);
    return repo.atDigest(m.digest());
  }

  @Test
  void plainBuilderKey_isRefusedUntilUnattestedBuildersAreAccepted_thenVerifies() throws Exception {
    Path home = dir.resolve("home");
    KeyPair key = CosignKeys.generate();
    Path pub = dir.resolve("cosign.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(key.getPublic()));
    Path bundle = dir.resolve("bundle");
    String image = bundle(bundle, key).toString();

    CliTest.Run none = CliTest.run(home, "verify", image, "--bundle", bundle.toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err())
        .startsWith("cairn: there is no trust root " + home.resolve("trust.json"))
        .contains("cairn trust add-builder-key PUBKEY.pem");

    CliTest.Run late = CliTest.run(home, "trust", "add-builder-key", pub.toString());
    assertThat(late.code()).as(late.err()).isZero();
    // trusted from now: the image was built before
    CliTest.Run early = CliTest.run(home, "verify", image, "--bundle", bundle.toString());
    assertThat(early.code()).isEqualTo(1);
    assertThat(early.out())
        .startsWith("NOT VERIFIED: signature: the image is signed by builder key")
        .contains("add it again with cairn trust add-builder-key --since TIME");
    CliTest.Run add =
        CliTest.run(
            home, "trust", "add-builder-key", pub.toString(), "--since", "2026-01-01T00:00:00Z");
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(Files.readString(home.resolve("trust.json")))
        .contains("\"validFrom\" : \"2026-01-01T00:00:00Z\"");
    assertThat(add.out())
        .contains("trusts 1 builder key; provenance that names no builder measurement")
        .contains("cairn trust allow-unattested-builders");

    CliTest.Run refused = CliTest.run(home, "verify", image, "--bundle", bundle.toString());
    assertThat(refused.code()).as(refused.err()).isEqualTo(1);
    assertThat(refused.out())
        .startsWith(
            "NOT VERIFIED: builder: builder https://cairn.dev/builder/local/v1 names no"
                + " measurement")
        .contains(
            "perhaps you should use the attested builder to build the image, or run `cairn"
                + " trust allow-unattested-builders`");

    CliTest.Run allow = CliTest.run(home, "trust", "allow-unattested-builders");
    assertThat(allow.out()).contains("now accepts images built by unattested builders");
    assertThat(CliTest.run(home, "trust", "allow-unattested-builders").out())
        .contains("already accepts");

    CliTest.Run ok =
        CliTest.run(
            home,
            "verify",
            image,
            "--bundle",
            bundle.toString(),
            "--source-repo",
            REPO + ".git",
            "--commit",
            COMMIT);
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    String keyId = CosignKeys.keyId(key.getPublic()).toString();
    assertThat(ok.out())
        .startsWith("VERIFIED image " + image + " (from bundle " + bundle + ")\n")
        .contains("  signature by builder key " + keyId + " (tag, referrer)\n")
        .contains(
            "  builder https://cairn.dev/builder/local/v1, unattested (no measurement; accepted by"
                + " the trust root)\n")
        .contains("  source " + REPO + " at commit " + COMMIT + " (refs/heads/main)\n")
        .contains("  links checked: bundle, signature, provenance, builder, source\n");

    CliTest.Run json =
        CliTest.run(home, "verify", image, "--bundle", bundle.toString(), "-o", "json");
    assertThat(json.code()).isZero();
    assertThat(json.out())
        .startsWith("{\n  \"image\" : \"" + image + "\",")
        .contains("\"verified\" : true")
        .contains("\"attested\" : false")
        .contains("\"notChecked\" : [ \"source repository\", \"commit\" ]");

    CliTest.Run other =
        CliTest.run(
            home,
            "verify",
            image,
            "--bundle",
            bundle.toString(),
            "--commit",
            "f".repeat(40),
            "-o",
            "json");
    assertThat(other.code()).isEqualTo(1);
    assertThat(other.out())
        .contains("\"verified\" : false")
        .contains("\"link\" : \"source\"")
        .contains(
            "\"hint\" : \"check the commit the image was built from (--commit "
                + "f".repeat(40)
                + ")\"");

    CliTest.Run refuse = CliTest.run(home, "trust", "refuse-unattested-builders");
    assertThat(refuse.out()).contains("now refuses");
    assertThat(CliTest.run(home, "verify", image, "--bundle", bundle.toString()).code())
        .isEqualTo(1);
  }

  @Test
  void addBuilderService_trustsATeamsAttestedBuilder_andOnlyGrows() throws Exception {
    Path home = dir.resolve("home");
    dev.cairn.attest.TeeProvider tee =
        dev.cairn.attest.Tees.simulation(
            dev.cairn.core.CairnHome.of(dir.resolve("tee")), java.time.Clock.systemUTC());
    dev.cairn.core.Digest m = dev.cairn.core.Digest.sha256("the team's builder");
    dev.cairn.attest.AttestationService team =
        dev.cairn.attest.AttestationService.open(
            dir.resolve("team"), List.of(tee.platformKey()), java.time.Clock.systemUTC());
    team.install(
        dev.cairn.attest.Policies.parse(
            "team.yaml",
            "name: cairn-build\nversion: 1\nservices:\n  - name: builder\n    measurements: ["
                + m
                + "]\n    command: [cairn-builder-workload, --signing-key,"
                + " \"$$CAIRN::builder-key$$\"]\nsecrets:\n  - {name: builder-key, kind: p256,"
                + " services: [builder]}\n",
            null));
    try (dev.cairn.attest.AttestationHttp http =
        dev.cairn.attest.AttestationHttp.serve(team, "127.0.0.1", 0)) {
      CliTest.Run r = CliTest.run(home, "trust", "add-builder-service", http.uri().toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("trusts the attested builder of " + http.uri())
          .contains("1 builder measurement, 1 platform key (3 items added)");
      String json = Files.readString(home.resolve("trust.json"));
      assertThat(json).contains(m.hex());
      CliTest.Run again = CliTest.run(home, "trust", "add-builder-service", http.uri().toString());
      assertThat(again.out()).contains("(nothing new)");
    }
    CliTest.Run bad = CliTest.run(home, "trust", "add-builder-service", "ftp://x");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("is not the http(s) URL of an attestation service");
    CliTest.Run gone = CliTest.run(home, "trust", "add-builder-service", "http://127.0.0.1:9");
    assertThat(gone.code()).isNotZero();
    assertThat(gone.err().strip().lines().findFirst().orElseThrow()).contains("127.0.0.1:9");
  }

  @Test
  void badInput_isOneLineWithExit2() throws Exception {
    Path home = dir.resolve("home");
    KeyPair key = CosignKeys.generate();
    Path bundle = dir.resolve("bundle");
    String image = bundle(bundle, key).toString();
    Path pub = dir.resolve("cosign.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(key.getPublic()));
    assertThat(
            CliTest.run(
                    home,
                    "trust",
                    "add-builder-key",
                    pub.toString(),
                    "--since",
                    "2026-01-01T00:00:00Z")
                .code())
        .isZero();
    assertThat(
            CliTest.run(home, "trust", "add-builder-key", pub.toString(), "--since", "yesterday")
                .err())
        .startsWith("cairn: --since yesterday is not a time");

    CliTest.Run shortCommit =
        CliTest.run(home, "verify", image, "--bundle", bundle.toString(), "--commit", "0123abc");
    assertThat(shortCommit.code()).isEqualTo(2);
    assertThat(shortCommit.err())
        .startsWith("cairn: commit 0123abc is not a full commit id (40 or 64 hex digits)");

    CliTest.Run both =
        CliTest.run(
            home,
            "verify",
            image,
            "--bundle",
            bundle.toString(),
            "--save-bundle",
            dir.resolve("x").toString());
    assertThat(both.code()).isEqualTo(2);

    CliTest.Run certOption =
        CliTest.run(home, "verify", image, "--bundle", bundle.toString(), "--ledger", "none");
    assertThat(certOption.code()).isEqualTo(2);
    assertThat(certOption.err()).startsWith("cairn: --ledger is for a certificate, not an image");

    Path cert = Files.writeString(dir.resolve("c.cert.json"), "{}");
    CliTest.Run imageOption = CliTest.run(home, "verify", cert.toString(), "--commit", COMMIT);
    assertThat(imageOption.code()).isEqualTo(2);
    assertThat(imageOption.err())
        .startsWith("cairn: --commit is for an image (IMAGE@DIGEST), not a certificate");

    Files.writeString(pub, "not a key");
    CliTest.Run badKey = CliTest.run(home, "trust", "add-builder-key", pub.toString());
    assertThat(badKey.code()).isEqualTo(2);
    assertThat(badKey.err()).startsWith("cairn: not a PEM public key");

    CliTest.Run missing =
        CliTest.run(home, "verify", image, "--bundle", dir.resolve("nowhere").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out())
        .startsWith("NOT VERIFIED: bundle: there is no bundle directory " + dir.resolve("nowhere"))
        .contains(
            "perhaps you should give --bundle the directory cairn verify --save-bundle wrote");
  }
}
