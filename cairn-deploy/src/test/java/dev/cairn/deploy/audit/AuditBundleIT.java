package dev.cairn.deploy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyListener;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Target;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.Targets;
import dev.cairn.deploy.admission.SignedImages;
import dev.cairn.deploy.rollout.Revision;
import dev.cairn.deploy.rollout.Rollouts;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.scanner.Framework;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An audit bundle of a real certification (attested scan of a snapshot by the measured scanner,
 * recorded in the embedded log), two recorded deploys of an image signed and attested with SLSA
 * provenance by a trusted builder key: it verifies; each kind of file of it, tampered by one
 * character, fails naming the file (its digest) and, with the manifest rewritten to match, the link
 * of the trust chain that broke; a removed and an extra file fail too.
 */
class AuditBundleIT {
  static final String MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir static Path shared;
  @TempDir Path tmp;

  static Path good;
  static Instant now;
  static Exported exported;
  static List<String> progress = new ArrayList<>();
  static ImageRef image;

  @BeforeAll
  static void certifyDeployAndExport() throws Exception {
    CairnHome home = CairnHome.of(shared.resolve("home"));
    Path certs = Files.createDirectories(shared.resolve("certs"));
    Path snap = Files.writeString(shared.resolve("snap.json"), snapshot("uid-audit"));
    CertifyResult r =
        Certifier.create(home, Clock.systemUTC())
            .certify(
                CertifyRequest.of(new Target.Snapshot(snap))
                    .withFrameworks(Set.of(Framework.parse("pss-restricted").orElseThrow()))
                    .withCertificateFile(certs.resolve("shop.cert.json")),
                CertifyListener.NONE);
    assertThat(r).isInstanceOf(CertifyResult.Issued.class);
    Path certFile = ((CertifyResult.Issued) r).certificateFile();

    // the organisation's trust root: accepts snapshot certificates and trusts the builder key
    KeyPair key = CosignKeys.generate();
    TrustRoot trust =
        TrustRoot.parse(Files.readString(home.trustRoot()))
            .withSnapshotsAccepted(true)
            .withTrusted(
                new TrustRoot.BuilderKey(key.getPublic().getEncoded()),
                Instant.now().minusSeconds(3600))
            .withUnattestedBuildersAccepted(true);
    AtomicFiles.write(home.trustRoot(), trust.toJson());

    OciClient oci = Registries.layout(shared.resolve("registry"));
    image = signed(oci, ImageRef.parse("registry.test/team/app:v1"), key);

    Targets.save(
        home,
        TargetConfig.of("prod", shared.resolve("kubeconfig"), "shop")
            .withGate(
                List.of("https://git.example/team/app"),
                List.of("main"),
                List.of("pss-restricted"),
                true,
                certFile));
    Map<String, Object> deployment =
        Map.of(
            "apiVersion",
            "apps/v1",
            "kind",
            "Deployment",
            "metadata",
            Map.of("name", "web" + MARKUP, "namespace", "shop"),
            "spec",
            Map.of(
                "template",
                Map.of(
                    "spec",
                    Map.of(
                        "containers", List.of(Map.of("name", "web", "image", image.toString()))))));
    now = Instant.now();
    var history = Rollouts.fileHistory(home);
    history.record(
        "prod",
        new Revision(
            1,
            "deploy",
            COMMIT,
            List.of(image.toString()),
            now.minusSeconds(120),
            "ops-bob " + MARKUP,
            "passed: signature, provenance, repository, branch, frameworks, certificate",
            Revision.Outcome.DEPLOYED,
            null,
            null),
        List.of(deployment));
    history.record(
        "prod",
        new Revision(
            2,
            "deploy",
            COMMIT,
            List.of(image.toString()),
            now.minusSeconds(60),
            "pipeline run 7",
            "passed: signature, provenance",
            Revision.Outcome.ROLLED_BACK,
            "CrashLoopBackOff: its last output: " + MARKUP,
            1),
        List.of(deployment));

    good = shared.resolve("audit");
    exported =
        AuditBundles.create(Clock.systemUTC())
            .export(
                new ExportRequest(
                    home,
                    certFile.toString(),
                    now.minus(Duration.ofDays(1)),
                    good,
                    List.of(certs),
                    oci),
                progress::add);
  }

  /** A snapshot of one compliant pod, as AdmissionCertificateIT makes it. */
  static String snapshot(String uid) {
    Map<String, Object> container =
        Map.of(
            "name",
            "api",
            "image",
            "r.example/api:1",
            "securityContext",
            Map.of(
                "allowPrivilegeEscalation", false, "capabilities", Map.of("drop", List.of("ALL"))));
    Map<String, Object> pod =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "Pod",
            "metadata",
            Map.of("name", "api", "namespace", "shop"),
            "spec",
            Map.of(
                "securityContext",
                Map.of("runAsNonRoot", true, "seccompProfile", Map.of("type", "RuntimeDefault")),
                "containers",
                List.of(container)));
    return Json.canonical(
        Map.of(
            "kind",
            "CairnClusterSnapshot",
            "identity",
            Map.of(
                "kubeSystemUid",
                uid,
                "caFingerprint",
                Digest.sha256("test-ca").toString(),
                "server",
                "https://cluster.example:6443"),
            "objects",
            List.of(pod)));
  }

  /** Signed and attested as {@link SignedImages#signed} does, with markup in its repository. */
  static ImageRef signed(OciClient oci, ImageRef repo, KeyPair key) throws Exception {
    ImageRef img = SignedImages.unsigned(oci, repo, "audit");
    ImageRef tagged = repo.withDigest(img.requireDigest());
    Cosign cosign = Cosign.using(oci);
    cosign.sign(tagged, key.getPrivate(), Cosign.Storage.BOTH);
    String repository = "https://git.example/team/app" + MARKUP;
    Map<String, Object> predicate =
        Map.of(
            "buildDefinition",
            Map.of(
                "buildType", "https://cairn.dev/pipeline/run/v1",
                "externalParameters", Map.of("repository", repository, "ref", "refs/heads/main"),
                "resolvedDependencies",
                    List.of(Map.of("uri", repository, "digest", Map.of("gitCommit", COMMIT)))),
            "runDetails",
            Map.of(
                "builder", Map.of("id", "https://cairn.dev/builder/local/v1"),
                "metadata", Map.of("finishedOn", Instant.now().minusSeconds(5).toString())));
    cosign.attest(
        tagged,
        Cosign.statement(tagged, ImageVerifier.SLSA_PROVENANCE_V1, predicate),
        key.getPrivate(),
        Cosign.Storage.BOTH);
    return img;
  }

  @Test
  void export_writesEveryKindOfEvidence_andTheBundleVerifies() throws Exception {
    assertThat(exported.warnings()).isEmpty();
    assertThat(exported.certificates()).isEqualTo(1);
    assertThat(exported.revisions()).isEqualTo(2);
    assertThat(exported.images()).isEqualTo(1);
    assertThat(progress).isNotEmpty();
    assertThat(exported.manifestDigest())
        .isEqualTo(Digest.sha256(Files.readAllBytes(good.resolve("manifest.json"))));
    assertThat(files(good))
        .contains(
            "manifest.json",
            "index.html",
            "trust.json",
            "ledger/checkpoint",
            "deployments/prod/target.json",
            "deployments/prod/history.json",
            "deployments/prod/rev-1.json",
            "deployments/prod/rev-2.json")
        .anyMatch(f -> f.startsWith("certificates/") && f.endsWith(".cert.json"))
        .anyMatch(f -> f.startsWith("certificates/") && f.endsWith(".report.json"))
        .anyMatch(f -> f.startsWith("images/") && f.contains("/blobs/sha256/"));
    // no temporary directory left beside it
    try (Stream<Path> s = Files.list(shared)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }

    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(good, Instant.now());
    assertThat(v.failures()).isEmpty();
    assertThat(v.verified()).isTrue();
    assertThat(v.cluster()).startsWith("sha256:");
    assertThat(v.trustRootFrom()).isEqualTo("bundle");
    assertThat(v.certificates())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo("valid");
              assertThat(c.links())
                  .contains("signature", "ledger inclusion", "ledger consistency", "revocation");
            });
    assertThat(v.images()).singleElement().satisfies(i -> assertThat(i.verified()).isTrue());
    assertThat(v.revisions()).isEqualTo(2);
    assertThat(v.document()).containsEntry("verified", true).containsEntry("kind", "audit-bundle");
  }

  @Test
  void verify_aYearOn_judgesTheExpiredCertificateAsOfItsLife() throws Exception {
    AuditVerification v =
        AuditBundles.create(Clock.systemUTC())
            .verify(good, Instant.now().plus(Duration.ofDays(400)));
    assertThat(v.failures()).isEmpty();
    assertThat(v.certificates())
        .singleElement()
        .satisfies(c -> assertThat(c.status()).isEqualTo("expired"));
  }

  @Test
  void revokedCertificate_isReportedRevokedAsOfTheNewBundlesCheckpoint_andTheOldBundleStillSaysNot()
      throws Exception {
    CairnHome home = CairnHome.of(shared.resolve("home"));
    Path certFile = shared.resolve("certs").resolve("shop.cert.json");
    dev.cairn.ledger.CertificateBundle cert =
        dev.cairn.ledger.CertificateBundle.parse(Files.readString(certFile));
    dev.cairn.certify.Records.create(home, Clock.systemUTC())
        .revoke(
            cert, "decommissioned " + MARKUP, null, () -> dev.cairn.core.Secret.ofUtf8("unused"));
    Path revoked = tmp.resolve("revoked");
    AuditBundles.create(Clock.systemUTC())
        .export(
            new ExportRequest(
                home,
                exported.cluster().toString(),
                Instant.EPOCH,
                revoked,
                List.of(shared.resolve("certs")),
                Registries.layout(shared.resolve("registry"))),
            s -> {});
    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(revoked, Instant.now());
    assertThat(v.failures()).isEmpty();
    assertThat(v.certificates())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo("revoked");
              assertThat(c.detail()).contains("decommissioned");
            });
    assertThat(Files.readString(revoked.resolve("index.html")))
        .contains("<td class=\"bad\">revoked</td>");
    // the earlier bundle's proof is as of its own checkpoint, before the revocation
    assertThat(AuditBundles.create(Clock.systemUTC()).verify(good, Instant.now()).certificates())
        .singleElement()
        .satisfies(c -> assertThat(c.status()).isEqualTo("valid"));

    // a manifest that hides the revocation: the proof says otherwise
    Path mf = revoked.resolve("manifest.json");
    Files.writeString(
        mf, Files.readString(mf).replace("\"revoked\" : true", "\"revoked\" : false"));
    assertThat(AuditBundles.create(Clock.systemUTC()).verify(revoked, Instant.now()).failures())
        .anyMatch(f -> f.link().equals("revocation") && f.message().contains("decommissioned"))
        .anyMatch(f -> f.link().equals("summary"));
  }

  @Test
  void export_refusesAnExistingDirectory() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                AuditBundles.create(Clock.systemUTC())
                    .export(
                        new ExportRequest(
                            CairnHome.of(shared.resolve("home")),
                            exported.cluster().toString(),
                            Instant.EPOCH,
                            good,
                            List.of(),
                            null),
                        s -> {}))
        .hasMessageContaining("it exists");
  }

  @Test
  void summary_escapesMarkupFromRepositoryNamesCommitMessagesAndObjectNames() throws Exception {
    String html = Files.readString(good.resolve("index.html"));
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("<img")
        .contains("Content-Security-Policy")
        .contains("default-src &#39;none&#39;".replace("&#39;", "'"))
        // the image's repository (provenance), the deployer and rollback reason (history), the
        // Deployment's name (manifests): each shown, escaped
        .contains("https://git.example/team/app&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x")
        .contains("ops-bob &lt;script&gt;")
        .contains("CrashLoopBackOff: its last output: &lt;script&gt;")
        .contains("Deployment shop/web&lt;script&gt;");
    assertThat(Summary.esc("a\"b'c&<>\u001b")).isEqualTo("a&quot;b&#39;c&amp;&lt;&gt;\\u001b");
  }

  /** A kind of file, how to alter it by one character, and the link that then breaks. */
  enum Tamper {
    CERTIFICATE_SIGNATURE("certificates/*.cert.json", "\"sig\" : \"", 2, "signature", null),
    CERTIFICATE_LOG_INDEX("certificates/*.cert.json", "\"index\" : ", 0, "ledger inclusion", null),
    CERTIFICATE_CHECKPOINT_SIGNATURE(
        "certificates/*.cert.json", "\\n\\n— ", 2, "ledger checkpoint", null),
    CERTIFICATE_REVOCATION_PROOF(
        "certificates/*.cert.json", "\"certificate\" : \"sha256:", 2, "revocation", null),
    REPORT("certificates/*.report.json", "\"", 2, "report", null),
    CHECKPOINT("ledger/checkpoint", "\n\n— ", 2, "checkpoint signature", null),
    TRUST_ROOT("trust.json", "\"key\" : \"", 2, "trust root", null),
    // the deploy records are unsigned: what catches them is the summary rendered from them
    DEPLOY_HISTORY("deployments/prod/history.json", "\"who\" : \"", 2, "summary", "index.html"),
    DEPLOY_MANIFESTS(
        "deployments/prod/rev-1.json", "\"name\" : \"web<", 2, "summary", "index.html"),
    TARGET("deployments/prod/target.json", "\"namespace\" : \"", 2, "summary", "index.html"),
    IMAGE_BLOB("images/*/blobs/sha256/*", "", 0, "bundle", null),
    SUMMARY("index.html", "<h1>", 2, "summary", null);

    final String glob;
    final String after;
    final int offset;
    final String link;
    final @org.jspecify.annotations.Nullable String subject;

    Tamper(
        String glob,
        String after,
        int offset,
        String link,
        @org.jspecify.annotations.Nullable String subject) {
      this.glob = glob;
      this.after = after;
      this.offset = offset;
      this.link = link;
      this.subject = subject;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Tamper.class)
  void oneAlteredCharacter_failsNamingTheFile_andWithTheManifestRewrittenTheLink(Tamper t)
      throws Exception {
    Path b = copy(good, tmp.resolve("b"));
    String file =
        files(b).stream()
            .filter(f -> glob(t.glob, f))
            .max(Comparator.comparingLong(f -> size(b.resolve(f))))
            .orElseThrow();
    alter(b.resolve(file), t.after, t.offset);

    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(b, Instant.now());
    assertThat(v.verified()).isFalse();
    assertThat(v.failures())
        .as("%s", v.failures())
        .first()
        .satisfies(
            f -> {
              assertThat(f.link()).isEqualTo("manifest digest");
              assertThat(f.subject()).isEqualTo(file);
            });

    // an attacker who also rewrites the manifest's digest of it: the trust chain itself breaks
    redigest(b, file);
    AuditVerification deeper = AuditBundles.create(Clock.systemUTC()).verify(b, Instant.now());
    assertThat(deeper.verified()).isFalse();
    assertThat(deeper.failures())
        .as("%s", deeper.failures())
        .noneMatch(f -> f.link().equals("manifest digest"));
    assertThat(deeper.failures())
        .as("%s", deeper.failures())
        .anyMatch(
            f ->
                f.link().equals(t.link)
                    && (t.subject != null
                        ? f.subject().equals(t.subject)
                        : f.subject().equals(file) || file.startsWith(f.subject() + "/")));
  }

  @Test
  void manifest_alteredDigest_failsNamingTheFileItLists() throws Exception {
    Path b = copy(good, tmp.resolve("b"));
    Path mf = b.resolve("manifest.json");
    String text = Files.readString(mf);
    int i = text.indexOf("\"trust.json\" : \"sha256:") + "\"trust.json\" : \"sha256:".length();
    Files.writeString(mf, text.substring(0, i) + flip(text.charAt(i)) + text.substring(i + 1));
    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(b, Instant.now());
    assertThat(v.failures())
        .anyMatch(f -> f.link().equals("manifest digest") && f.subject().equals("trust.json"));
  }

  @Test
  void removedFile_failsAsMissing() throws Exception {
    Path b = copy(good, tmp.resolve("b"));
    String report =
        files(b).stream().filter(f -> f.endsWith(".report.json")).findFirst().orElseThrow();
    Files.delete(b.resolve(report));
    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(b, Instant.now());
    assertThat(v.verified()).isFalse();
    assertThat(v.failures())
        .first()
        .satisfies(
            f -> {
              assertThat(f.link()).isEqualTo("missing file");
              assertThat(f.subject()).isEqualTo(report);
            });
  }

  @Test
  void extraFile_failsAsUnexpected() throws Exception {
    Path b = copy(good, tmp.resolve("b"));
    Files.writeString(b.resolve("certificates/extra.cert.json"), "{}");
    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(b, Instant.now());
    assertThat(v.verified()).isFalse();
    assertThat(v.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.link()).isEqualTo("unexpected file");
              assertThat(f.subject()).isEqualTo("certificates/extra.cert.json");
            });
  }

  @Test
  void givenTrustRoot_withoutTheLogKey_failsTheCheckpointAndCertificates() throws Exception {
    Path other = Files.writeString(tmp.resolve("other-trust.json"), TrustRoot.empty().toJson());
    AuditVerification v = AuditBundles.create(Clock.systemUTC()).verify(good, Instant.now(), other);
    assertThat(v.verified()).isFalse();
    assertThat(v.trustRootFrom()).isEqualTo("given");
    assertThat(v.failures()).anyMatch(f -> f.link().equals("checkpoint signature"));
    assertThat(v.certificates()).allMatch(c -> c.status().equals("broken"));
  }

  // ------------------------------------------------------------------------------- helpers

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  static boolean glob(String glob, String path) {
    return path.matches(glob.replace(".", "\\.").replace("*", "[^/]*"));
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path d = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(d);
        } else {
          Files.copy(p, d);
        }
      }
    }
    return to;
  }

  /** Changes the one character just after {@code after} (the first byte for a binary blob). */
  static void alter(Path f, String after, int offset) throws IOException {
    byte[] raw = Files.readAllBytes(f);
    int at;
    if (after.isEmpty()) {
      at = raw.length / 2;
    } else {
      String text = new String(raw, StandardCharsets.UTF_8);
      int i = text.indexOf(after);
      assertThat(i).as("%s in %s", after, f).isNotNegative();
      at =
          new String(text.substring(0, i + after.length())).getBytes(StandardCharsets.UTF_8).length;
      at += offset;
    }
    raw[at] = (byte) flip((char) raw[at]);
    Files.write(f, raw);
  }

  static char flip(char c) {
    if (c >= 'a' && c < 'z' || c >= 'A' && c < 'Z' || c >= '0' && c < '9') {
      return (char) (c + 1);
    }
    if (c == 'z' || c == 'Z' || c == '9') {
      return (char) (c - 1);
    }
    return c == 'x' ? 'y' : 'x';
  }

  @SuppressWarnings("unchecked")
  static void redigest(Path b, String file) throws IOException {
    Path mf = b.resolve("manifest.json");
    Map<String, Object> m = Json.parseObject(Files.readString(mf));
    Map<String, Object> files = new java.util.TreeMap<>((Map<String, Object>) m.get("files"));
    files.put(file, Digest.sha256(Files.readAllBytes(b.resolve(file))).toString());
    m.put("files", files);
    Files.writeString(mf, Json.pretty(m));
  }
}
