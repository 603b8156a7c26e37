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
  }

  private Path tampered(String name, String json) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, json);
    return p;
  }

  private CliTest.Run verify(Path c, String... extra) {
    String[] args = new String[2 + extra.length];
    args[0] = "verify";
    args[1] = c.toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    return CliTest.run(cairnHome, args);
  }

  @Test
  void certify_compliantSnapshot_verifiesEveryOfflineLink() {
    CliTest.Run v = verify(cert);
    assertThat(v.code()).as(v.out()).isZero();
    assertThat(v.out())
        .contains("VERIFIED certificate sha256:")
        .contains("snapshot")
        .contains(
            "links checked: signature, signing key, statement, attestation, ledger inclusion, ledger consistency, expiry, revocation");
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
                    Digest.sha256("another cluster")));
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
