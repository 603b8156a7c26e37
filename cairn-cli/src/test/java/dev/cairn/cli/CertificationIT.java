package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.CertificateVerifier;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.ledger.VerificationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cairn certify and cairn verify end to end (measured workload process, attestation service,
 * embedded ledger), and a tampered fixture for every link of the chain, each with its own message.
 */
class CertificationIT {
  static Path cairnHome = Path.of("unset");
  @TempDir static Path tmp;
  static Path home;
  static Path cert;

  static String snapshot(String uid, String workloads) {
    Object good =
        Map.of(
            "apiVersion",
            "apps/v1",
            "kind",
            "Deployment",
            "metadata",
            Map.of("name", "api", "namespace", "shop"),
            "spec",
            Map.of(
                "template",
                Map.of(
                    "spec",
                    Map.of(
                        "securityContext",
                            Map.of(
                                "runAsNonRoot",
                                true,
                                "seccompProfile",
                                Map.of("type", "RuntimeDefault")),
                        "containers",
                            List.of(
                                Map.of(
                                    "name",
                                    "api",
                                    "image",
                                    "r.example/api:1",
                                    "securityContext",
                                    Map.of(
                                        "allowPrivilegeEscalation",
                                        false,
                                        "capabilities",
                                        Map.of("drop", List.of("ALL")))))))));
    Object bad =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "Pod",
            "metadata",
            Map.of("name", "root", "namespace", "shop"),
            "spec",
            Map.of(
                "containers",
                List.of(
                    Map.of(
                        "name",
                        "c",
                        "image",
                        "x",
                        "securityContext",
                        Map.of("privileged", true)))));
    return Json.canonical(
        Map.of(
            "kind", "CairnClusterSnapshot",
            "identity",
                Map.of(
                    "kubeSystemUid",
                    uid,
                    "caFingerprint",
                    Digest.sha256("test-ca").toString(),
                    "server",
                    "https://cluster.example:6443"),
            "objects", List.of(workloads.equals("good") ? good : bad)));
  }

  @BeforeAll
  static void certify() throws Exception {
    home = tmp.resolve("home");
    cairnHome = home;
    Files.writeString(tmp.resolve("good.json"), snapshot("uid-1", "good"));
    Files.writeString(tmp.resolve("bad.json"), snapshot("uid-1", "bad"));
    cert = tmp.resolve("good.cert.json");
    CliTest.Run r =
        CliTest.run(
            cairnHome,
            "certify",
            "--snapshot",
            tmp.resolve("good.json").toString(),
            "--framework",
            "pss-restricted",
            "--output-file",
            cert.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).contains("simulation: no hardware protection");
    assertThat(r.out())
        .contains(
            "\n  snapshot: the cluster's identity is only claimed; cairn verify accepts it only with"
                + " --allow-snapshot or after cairn trust allow-snapshots\n");
  }

  static String snapshotOf(String uid, String server, List<Object> objects) {
    return Json.canonical(
        Map.of(
            "kind",
            "CairnClusterSnapshot",
            "identity",
            Map.of(
                "kubeSystemUid",
                uid,
                "caFingerprint",
                Digest.sha256("forged-ca").toString(),
                "server",
                server),
            "objects",
            objects));
  }

  /** The line of {@code err} that starts with {@code prefix}, and the one after it. */
  static String lineAndHint(String err, String prefix) {
    List<String> lines = err.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return lines.get(i) + "\n" + (i + 1 < lines.size() ? lines.get(i + 1) : "");
      }
    }
    throw new AssertionError("no line starting " + prefix + " in:\n" + err);
  }

  @Test
  void certify_anEmptyOrForeignSnapshot_isRefused_andNothingIsIssued() throws Exception {
    Path empty = tmp.resolve("empty.json");
    Files.writeString(empty, snapshotOf("forged-uid", "https://prod.bank.example:6443", List.of()));
    Path out = tmp.resolve("empty.cert.json");
    CliTest.Run r =
        CliTest.run(
            cairnHome, "certify", "--snapshot", empty.toString(), "--output-file", out.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(lineAndHint(r.err(), "cairn: nothing"))
        .matches(
            "cairn: nothing to certify: snapshot "
                + java.util.regex.Pattern.quote(empty.toString())
                + " holds no objects, so none of the \\d+ chosen checks applies\n"
                + java.util.regex.Pattern.quote(
                    "  perhaps you should certify a snapshot or cluster that holds the workloads"
                        + " (cairn snapshot --kubeconfig F), or choose other frameworks with"
                        + " --framework"));
    assertThat(out).doesNotExist();

    Path onlySa = tmp.resolve("only-sa.json");
    Files.writeString(
        onlySa,
        snapshotOf(
            "forged-uid",
            "https://prod.bank.example:6443",
            List.of(
                // a kind no check judges (a default ServiceAccount is judged now: CIS 5.1.5)
                Map.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Endpoints",
                    "metadata",
                    Map.of("name", "shop", "namespace", "shop")))));
    CliTest.Run sa =
        CliTest.run(
            cairnHome, "certify", "--snapshot", onlySa.toString(), "--output-file", out.toString());
    assertThat(sa.code()).as(sa.out() + sa.err()).isEqualTo(2);
    assertThat(lineAndHint(sa.err(), "cairn: nothing"))
        .containsPattern(
            "^cairn: nothing to certify: none of the 1 object in snapshot "
                + java.util.regex.Pattern.quote(onlySa.toString())
                + " is of a kind the \\d+ chosen checks judge \\(every check was not"
                + " applicable\\)\n");
    assertThat(out).doesNotExist();
  }

  @Test
  void certify_beyondThePolicysMaximumLifetime_isRefusedBeforeAnythingIsScannedOrApproved()
      throws Exception {
    Path fresh = tmp.resolve("fresh-home");
    Path out = tmp.resolve("long.cert.json");
    CliTest.Run r =
        CliTest.run(
            fresh,
            "certify",
            "--snapshot",
            tmp.resolve("good.json").toString(),
            "--framework",
            "pss-restricted",
            "--valid-days",
            "36500000",
            "--output-file",
            out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "cairn: a certificate lifetime of 36500000 days is beyond the maximum of 90 days that"
                + " the embedded attestation policy allows\n"
                + "  perhaps you should pass --valid-days 90 or less, or raise maxValidityDays in"
                + " the attestation policy\n");
    // nothing was measured, approved, attested or recorded
    assertThat(fresh).doesNotExist();
    assertThat(out).doesNotExist();

    String audit = Files.readString(home.resolve("attest/audit.log"));
    CliTest.Run named =
        CliTest.run(
            cairnHome,
            "certify",
            "--snapshot",
            tmp.resolve("good.json").toString(),
            "--valid-days",
            "91",
            "--output-file",
            out.toString());
    assertThat(named.code()).isEqualTo(2);
    assertThat(named.err())
        .startsWith(
            "cairn: a certificate lifetime of 91 days is beyond the maximum of 90 days that"
                + " attestation policy cairn-certify v1 allows\n");
    assertThat(Files.readString(home.resolve("attest/audit.log"))).isEqualTo(audit);
    assertThat(out).doesNotExist();
  }

  @Test
  void verify_aSnapshotCertificate_isRefused_unlessAllowedOrTheTrustRootAcceptsSnapshots()
      throws Exception {
    CliTest.Run v = CliTest.run(cairnHome, "verify", cert.toString());
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .isEqualTo(
            "NOT VERIFIED: source: the certificate was made from a snapshot, which only claims its"
                + " cluster's identity (https://cluster.example:6443, kube-system UID uid-1)\n"
                + "  perhaps you should pass --allow-snapshot (or run `cairn trust"
                + " allow-snapshots`) if you trust whoever took the snapshot, or certify the live"
                + " cluster with --kubeconfig\n");

    Path accepting = tmp.resolve("accepting-trust.json");
    Files.copy(home.resolve("trust.json"), accepting);
    CliTest.Run allow =
        CliTest.run(cairnHome, "trust", "allow-snapshots", "--trust", accepting.toString());
    assertThat(allow.code()).as(allow.err()).isZero();
    assertThat(allow.out())
        .isEqualTo(
            "Trust root "
                + accepting
                + " now accepts snapshot certificates (their cluster's identity is only"
                + " claimed)\n");
    CliTest.Run ok =
        CliTest.run(cairnHome, "verify", cert.toString(), "--trust", accepting.toString());
    assertThat(ok.code()).as(ok.out()).isZero();
    assertThat(ok.out())
        .contains(
            "\n  snapshot: the cluster's identity is only claimed (accepted by the trust root)\n");
    CliTest.Run json =
        CliTest.run(
            cairnHome, "verify", cert.toString(), "--trust", accepting.toString(), "-o", "json");
    assertThat(Json.parseObject(json.out()).get("snapshot"))
        .isEqualTo(Map.of("identity", "claimed", "acceptedBy", "trust root"));

    CliTest.Run refuse =
        CliTest.run(cairnHome, "trust", "refuse-snapshots", "--trust", accepting.toString());
    assertThat(refuse.out())
        .isEqualTo("Trust root " + accepting + " now refuses snapshot certificates\n");
    assertThat(
            CliTest.run(cairnHome, "verify", cert.toString(), "--trust", accepting.toString())
                .out())
        .startsWith("NOT VERIFIED: source: ");
  }

  @Test
  void verify_whatADeployGateAsks_aLiveIdentity_isRequired() {
    CliTest.Run v = verify(cert, "--require-live-identity");
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .isEqualTo(
            "NOT VERIFIED: cluster identity: this verification requires the live cluster's"
                + " identity, and no live cluster was read\n"
                + "  perhaps you should pass --kubeconfig of the cluster the certificate is for\n");
  }

  /** Every file under {@code d} with its content digest and modification time. */
  static Map<String, String> files(Path d) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var all = Files.walk(d)) {
      for (Path p : all.toList()) {
        out.put(
            d.relativize(p).toString(),
            Files.isDirectory(p)
                ? "dir"
                : Digest.sha256(Files.readAllBytes(p)) + " " + Files.getLastModifiedTime(p));
      }
    }
    return out;
  }

  @Test
  void verify_fourProcessesAtOnce_allVerify_andNoneWritesAnything() throws Exception {
    Map<String, String> before = files(home);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    // this test holds the log as a reader all along: every process must share it to verify
    try (dev.cairn.ledger.Ledger reader =
        dev.cairn.ledger.Ledgers.open(
            dev.cairn.ledger.Ledgers.EMBEDDED,
            dev.cairn.ledger.LedgerOptions.reading(dev.cairn.core.CairnHome.of(home)))) {
      List<java.util.concurrent.Future<Launcher.Run>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(
            pool.submit(
                () -> Launcher.run(tmp, Map.of(), "verify", cert.toString(), "--allow-snapshot")));
      }
      for (java.util.concurrent.Future<Launcher.Run> f : runs) {
        Launcher.Run r = f.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("VERIFIED certificate");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(files(home)).isEqualTo(before);
  }

  private Path tampered(String name, String json) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, json);
    return p;
  }

  /** {@code cairn verify C --allow-snapshot EXTRA} in the shared home (these are snapshots). */
  private CliTest.Run verify(Path c, String... extra) {
    return verifyIn(cairnHome, c, extra);
  }

  private static CliTest.Run verifyIn(Path h, Path c, String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "verify";
    args[1] = c.toString();
    args[2] = "--allow-snapshot";
    System.arraycopy(extra, 0, args, 3, extra.length);
    return CliTest.run(h, args);
  }

  @Test
  void certify_compliantSnapshot_verifiesEveryOfflineLink() {
    CliTest.Run v = verify(cert);
    assertThat(v.code()).as(v.out()).isZero();
    assertThat(v.out())
        .contains("VERIFIED certificate sha256:")
        .contains("snapshot")
        .contains(
            "links checked: signature, signing key, statement, attestation, ledger inclusion,"
                + " ledger consistency, expiry, revocation, source")
        .contains(
            "\n  snapshot: the cluster's identity is only claimed (accepted by --allow-snapshot)\n");
  }

  @Test
  void certify_failingChecks_issuesNoCertificateAndSaysWhich() throws Exception {
    Path out = tmp.resolve("bad.cert.json");
    CliTest.Run r =
        CliTest.run(
            cairnHome,
            "certify",
            "--snapshot",
            tmp.resolve("bad.json").toString(),
            "--framework",
            "pss-baseline",
            "--output-file",
            out.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("No certificate").contains("CRN-102 Privileged containers");
    assertThat(out).doesNotExist();
    assertThat(Files.readString(tmp.resolve("bad.report.json")))
        .contains("\"id\" : \"CRN-102\"")
        .contains("\"status\" : \"failed\"");
  }

  @Test
  void tampered_report_breaksTheSignature() throws Exception {
    String json = Files.readString(cert);
    CertificateBundle b = CertificateBundle.parse(json);
    String payload =
        new String(b.envelope().payload(), StandardCharsets.UTF_8)
            .replace("\"objects\":1", "\"objects\":2");
    String forged =
        json.replace(
            Base64.getEncoder().encodeToString(b.envelope().payload()),
            Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
    assertThat(forged).isNotEqualTo(json);
    CliTest.Run v = verify(tampered("report.cert.json", forged));
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out()).startsWith("NOT VERIFIED: signature: the DSSE signature does not verify");
  }

  /** A trust root like {@code t} that trusts only these measurements and this signing key. */
  static TrustRoot replaced(TrustRoot t, java.util.Set<Digest> measurements, byte[] signingKey) {
    return TrustRoot.empty()
        .sync(
            new TrustRoot.Snapshot(
                t.current(TrustRoot.Policy.class).get(0),
                measurements,
                signingKey,
                t.current(TrustRoot.PlatformKey.class).stream()
                    .map(TrustRoot.PlatformKey::key)
                    .toList(),
                t.current(TrustRoot.LogKey.class).get(0).verifierKey()),
            Instant.EPOCH);
  }

  @Test
  void tampered_measurement_breaksTheAttestation() throws Exception {
    TrustRoot t = TrustRoot.parse(Files.readString(home.resolve("trust.json")));
    TrustRoot other =
        replaced(
            t,
            java.util.Set.of(Digest.sha256("approved build")),
            t.current(TrustRoot.SigningKey.class).get(0).key());
    CliTest.Run v = verify(cert, "--trust", tampered("trust-m.json", other.toJson()).toString());
    assertThat(v.out())
        .startsWith("NOT VERIFIED: attestation: scanner measurement sha256:")
        .contains("is not one the attestation policy approves");
  }

  @Test
  void tampered_signingKey_isNotTheReleasedOne() throws Exception {
    TrustRoot t = TrustRoot.parse(Files.readString(home.resolve("trust.json")));
    TrustRoot other =
        replaced(
            t,
            new java.util.HashSet<>(
                t.current(TrustRoot.Measurement.class).stream()
                    .map(TrustRoot.Measurement::digest)
                    .toList()),
            dev.cairn.core.Keys.raw(dev.cairn.core.Keys.ed25519().getPublic()));
    CliTest.Run v = verify(cert, "--trust", tampered("trust-k.json", other.toJson()).toString());
    assertThat(v.out()).startsWith("NOT VERIFIED: signing key: signed with key sha256:");
  }

  @Test
  void tampered_checkpoint_isAForgery() throws Exception {
    String json = Files.readString(cert);
    CertificateBundle b = CertificateBundle.parse(json);
    String note = b.checkpoint();
    String forgedNote = note.replaceFirst("\n(\\d+)\n", "\n999\n");
    CliTest.Run v =
        verify(
            tampered(
                "cp.cert.json",
                json.replace(
                    Json.canonical(note).replaceAll("^\"|\"$", ""),
                    Json.canonical(forgedNote).replaceAll("^\"|\"$", ""))));
    assertThat(v.out())
        .startsWith(
            "NOT VERIFIED: ledger checkpoint: checkpoint signature by cairn-embedded-log is invalid");
  }

  @Test
  void tampered_index_isNotInTheLog() throws Exception {
    String json = Files.readString(cert).replaceFirst("\"index\" : (\\d+)", "\"index\" : 7");
    CliTest.Run v = verify(tampered("idx.cert.json", json), "--ledger", "none");
    assertThat(v.out())
        .startsWith("NOT VERIFIED: ledger inclusion: the certificate is not in the log at index 7");
  }

  @Test
  void foreignClusterAndExpiry_areNamed() throws Exception {
    CertificateBundle b = CertificateBundle.parse(Files.readString(cert));
    TrustRoot t = TrustRoot.parse(Files.readString(home.resolve("trust.json")));
    VerificationException foreign =
        org.junit.jupiter.api.Assertions.assertThrows(
            VerificationException.class,
            () ->
                CertificateVerifier.verify(
                    b,
                    t,
                    dev.cairn.certify.Verifier.evidenceCheck(),
                    Instant.now(),
                    null,
                    Digest.sha256("another cluster"),
                    true));
    assertThat(foreign.link()).isEqualTo("cluster identity");
    assertThat(foreign.getMessage())
        .contains("the live cluster is " + Digest.sha256("another cluster"));
    VerificationException expired =
        org.junit.jupiter.api.Assertions.assertThrows(
            VerificationException.class,
            () ->
                CertificateVerifier.verify(
                    b,
                    t,
                    dev.cairn.certify.Verifier.evidenceCheck(),
                    Instant.now().plus(java.time.Duration.ofDays(31)),
                    null,
                    null));
    assertThat(expired.link()).isEqualTo("expiry");
  }

  @Test
  void revoked_certificateFailsRevocation() throws Exception {
    Path second = tmp.resolve("second.cert.json");
    assertThat(
            CliTest.run(
                    cairnHome,
                    "certify",
                    "--snapshot",
                    tmp.resolve("good.json").toString(),
                    "--framework",
                    "pss-restricted",
                    "--valid-days",
                    "7",
                    "--output-file",
                    second.toString())
                .code())
        .isZero();
    assertThat(verify(second).code()).isZero();
    assertThat(
            CliTest.run(
                    cairnHome,
                    "ledger",
                    "revoke",
                    second.toString(),
                    "--reason",
                    "cluster decommissioned")
                .code())
        .isZero();
    CliTest.Run v = verify(second);
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .startsWith("NOT VERIFIED: revocation: revoked at")
        .contains("cluster decommissioned");
  }

  @Test
  void ledgerHistory_listsTheClustersCertificates_byFileIdOrPrefix() throws Exception {
    CertificateBundle b = CertificateBundle.parse(Files.readString(cert));
    String certDigest = b.envelope().digest().toString();
    String cluster =
        dev.cairn.ledger.Certificate.parse(b.envelope().payload()).clusterId().toString();

    CliTest.Run table = CliTest.run(cairnHome, "ledger", "history", cert.toString());
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out())
        .startsWith("Cluster " + cluster)
        .contains("INDEX")
        .contains(certDigest.substring(0, 19));

    CliTest.Run json =
        CliTest.run(cairnHome, "ledger", "history", cluster.substring(7, 19), "-o", "json");
    assertThat(json.code()).as(json.err()).isZero();
    Map<?, ?> doc = Json.parseObject(json.out());
    assertThat(doc.get("cluster")).isEqualTo(cluster);
    List<?> certs = (List<?>) doc.get("certificates");
    assertThat(certs)
        .anySatisfy(
            c -> {
              Map<?, ?> m = (Map<?, ?>) c;
              assertThat(m.get("certificate")).isEqualTo(certDigest);
              assertThat(m.get("status")).isEqualTo("valid");
              assertThat(m.get("locator")).isEqualTo("good.cert.json");
            });

    CliTest.Run unknown = CliTest.run(cairnHome, "ledger", "history", "00000000deadbeef");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("no cluster on the ledger with an id starting 00000000deadbeef")
        .contains("perhaps you should");
    CliTest.Run junk = CliTest.run(cairnHome, "ledger", "history", "not-an-id");
    assertThat(junk.code()).isEqualTo(2);
    assertThat(junk.err()).contains("not a cluster id or certificate file: not-an-id");
  }

  @Test
  void verify_json_isOneDocumentPerTheSchema_forBothOutcomes() throws Exception {
    com.networknt.schema.Schema schema =
        com.networknt.schema.SchemaRegistry.withDefaultDialect(
                com.networknt.schema.SpecificationVersion.DRAFT_7)
            .getSchema(Files.readString(Path.of("../docs/verify-schema.json")));
    CliTest.Run ok = verify(cert, "-o", "json");
    assertThat(ok.code()).isZero();
    com.fasterxml.jackson.databind.JsonNode doc =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok.out());
    assertThat(schema.validate(doc)).isEmpty();
    assertThat(doc.get("verified").asBoolean()).isTrue();
    assertThat(doc.get("links").toString()).contains("\"attestation\"", "\"ledger inclusion\"");
    assertThat(doc.get("notChecked").toString()).contains("cluster identity");
    assertThat(doc.get("links").toString()).contains("\"source\"");
    assertThat(doc.get("snapshot").toString())
        .isEqualTo("{\"identity\":\"claimed\",\"acceptedBy\":\"request\"}");

    String json = Files.readString(cert);
    CertificateBundle b = CertificateBundle.parse(json);
    Path forged =
        tampered(
            "json-forged.cert.json",
            json.replace(
                Base64.getEncoder().encodeToString(b.signingKey()),
                Base64.getEncoder().encodeToString(new byte[32])));
    CliTest.Run bad = verify(forged, "-o", "json");
    assertThat(bad.code()).isEqualTo(1);
    com.fasterxml.jackson.databind.JsonNode f =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(bad.out());
    assertThat(schema.validate(f)).isEmpty();
    assertThat(f.get("verified").asBoolean()).isFalse();
    assertThat(f.get("failure").get("link").asText()).isEqualTo("signature");
    ((com.fasterxml.jackson.databind.node.ObjectNode) f).remove("failure");
    assertThat(schema.validate(f)).isNotEmpty();
  }

  @Test
  void secrets_neverReachTheCertificateOrTheAuditLog() throws Exception {
    Path secret = home.resolve("attest/sessions/cairn-certify/secrets/certificate-key");
    String value = Files.readString(secret).strip();
    assertThat(Files.readString(cert)).doesNotContain(value);
    assertThat(Files.readString(home.resolve("attest/audit.log")))
        .doesNotContain(value)
        .contains("\"allowed\":true");
  }
}
