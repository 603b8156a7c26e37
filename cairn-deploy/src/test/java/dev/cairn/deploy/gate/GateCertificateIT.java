package dev.cairn.deploy.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyListener;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Records;
import dev.cairn.certify.Target;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.scanner.ClusterIdentity;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import dev.cairn.scanner.Framework;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import dev.cairn.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's certificate demand with real certificates, issued by the certification flow (attested
 * scan by the measured scanner, recorded in the embedded log) of the live test cluster: a valid one
 * passes; an expired one, a revoked one, one issued for another cluster identity, and one made from
 * a snapshot (that claims this very cluster) are each refused alone, with their reason named.
 */
@RealClusterTest
class GateCertificateIT {
  @TempDir static Path tmp;

  static CairnHome home;
  static Path kubeconfig;
  static String ns;
  static Path valid;
  static Path revoked;
  static Path otherCluster;
  static Path snapshot;
  static final Map<Path, dev.cairn.core.Digest> CLUSTER_IDS = new java.util.HashMap<>();

  static final Set<Framework> FRAMEWORKS = Set.of(Framework.parse("pss-baseline").orElseThrow());

  @BeforeAll
  static void certify(RealCluster cluster) throws Exception {
    home = CairnHome.of(tmp.resolve("home"));
    kubeconfig = cluster.kubeconfig();
    ns = cluster.newNamespace("gate-cert");
    cluster
        .client()
        .resource(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: %s}
            spec:
              securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: web
                  image: registry.test/team/web@sha256:%s
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
            """
                .formatted(ns, "ab".repeat(32)))
        .create();

    valid = issue(new Target.Live(kubeconfig), "valid");
    revoked = issue(new Target.Live(kubeconfig), "revoked");
    Records.create(home, Clock.systemUTC())
        .revoke(bundle(revoked), "key compromise", null, () -> Secret.ofUtf8("unused"));

    // another cluster: the same API server seen through a kubeconfig whose CA (the first one it
    // trusts) is another CA, so its identity (kube-system UID + CA fingerprint) differs
    otherCluster = issue(new Target.Live(otherCaKubeconfig(cluster)), "other");

    // a snapshot that claims this very cluster's identity, and holds the same compliant pod
    ClusterIdentity live = Clusters.identity(ClusterOptions.of(kubeconfig));
    Path snap =
        Files.writeString(
            tmp.resolve("snap.json"),
            Json.canonical(
                Map.of(
                    "kind",
                    "CairnClusterSnapshot",
                    "identity",
                    Map.of(
                        "kubeSystemUid",
                        live.kubeSystemUid(),
                        "caFingerprint",
                        live.caFingerprint().toString(),
                        "server",
                        live.server()),
                    "objects",
                    List.of(pod()))));
    snapshot = issue(new Target.Snapshot(snap), "snapshot");
  }

  static Map<String, Object> pod() {
    return Map.of(
        "apiVersion",
        "v1",
        "kind",
        "Pod",
        "metadata",
        Map.of("name", "web", "namespace", "shop"),
        "spec",
        Map.of(
            "securityContext",
            Map.of("runAsNonRoot", true, "seccompProfile", Map.of("type", "RuntimeDefault")),
            "containers",
            List.of(
                Map.of(
                    "name",
                    "web",
                    "image",
                    "registry.test/team/web:1",
                    "securityContext",
                    Map.of(
                        "allowPrivilegeEscalation",
                        false,
                        "capabilities",
                        Map.of("drop", List.of("ALL")))))));
  }

  static Path issue(Target target, String name) throws Exception {
    CertifyResult r =
        Certifier.create(home, Clock.systemUTC())
            .certify(
                CertifyRequest.of(target)
                    .withFrameworks(FRAMEWORKS)
                    .withCertificateFile(tmp.resolve(name + ".cert.json")),
                CertifyListener.NONE);
    assertThat(r).as(name + ": %s", r).isInstanceOf(CertifyResult.Issued.class);
    CertifyResult.Issued i = (CertifyResult.Issued) r;
    CLUSTER_IDS.put(i.certificateFile(), i.clusterId());
    return i.certificateFile();
  }

  static CertificateBundle bundle(Path f) throws Exception {
    return CertificateBundle.parse(Files.readString(f), f.toString());
  }

  static Path otherCaKubeconfig(RealCluster cluster) throws Exception {
    String other = TestPki.pem(TestPki.selfSigned("another-cluster-ca").certificate());
    String real = Files.readString(cluster.caCertificate());
    String both = other + (other.endsWith("\n") ? "" : "\n") + real;
    String text = Files.readString(cluster.kubeconfig());
    Matcher m = Pattern.compile("certificate-authority-data: *\\S+").matcher(text);
    assertThat(m.find()).as("the test cluster's kubeconfig embeds its CA").isTrue();
    String b64 = Base64.getEncoder().encodeToString(both.getBytes(StandardCharsets.UTF_8));
    Path f = tmp.resolve("other-ca.kubeconfig");
    Files.writeString(
        f, m.replaceFirst(Matcher.quoteReplacement("certificate-authority-data: " + b64)));
    return f;
  }

  static GateDecision decide(Path certificate, Clock clock) {
    TargetConfig t =
        TargetConfig.of("prod", kubeconfig, ns)
            .withGate(List.of(), List.of(), List.of(), true, certificate);
    return Gates.standard(home, Registries.layout(tmp.resolve("layout")), clock)
        .decide(t, List.of(), List.of());
  }

  static GateDecision.Refusal onlyRefusal(GateDecision d) {
    assertThat(d.allowed()).as(d.summary()).isFalse();
    assertThat(d.refusals()).hasSize(1);
    GateDecision.Refusal r = d.refusals().get(0);
    assertThat(r.subject()).isEqualTo("cluster of target prod");
    assertThat(d.passed()).doesNotContain("certificate");
    return r;
  }

  @Test
  void validCertificateOfTheLiveCluster_passes() {
    GateDecision d = decide(valid, Clock.systemUTC());
    assertThat(d.refusals()).isEmpty();
    assertThat(d.passed()).contains("certificate");
    assertThat(d.summary()).contains("certificate");
  }

  @Test
  void expiredCertificate_isRefused_asExpired() {
    GateDecision.Refusal r =
        onlyRefusal(decide(valid, Clock.offset(Clock.systemUTC(), Duration.ofDays(400))));
    assertThat(r.reason()).isEqualTo("certificate.expired");
    assertThat(r.message()).startsWith("expiry: expired at ");
  }

  @Test
  void revokedCertificate_isRefused_asRevoked() {
    GateDecision.Refusal r = onlyRefusal(decide(revoked, Clock.systemUTC()));
    assertThat(r.reason()).isEqualTo("certificate.revoked");
    assertThat(r.message()).startsWith("revocation: revoked at ").contains("key compromise");
  }

  @Test
  void certificateOfAnotherCluster_isRefused_forTheClusterIdentity() throws Exception {
    assertThat(CLUSTER_IDS.get(otherCluster))
        .isNotEqualTo(Clusters.identity(ClusterOptions.of(kubeconfig)).id());
    GateDecision.Refusal r = onlyRefusal(decide(otherCluster, Clock.systemUTC()));
    assertThat(r.reason()).isEqualTo("certificate.cluster-identity");
    assertThat(r.message()).startsWith("cluster identity: ");
  }

  @Test
  void snapshotCertificate_claimingThisCluster_isRefused_asASnapshot() throws Exception {
    assertThat(CLUSTER_IDS.get(snapshot))
        .isEqualTo(Clusters.identity(ClusterOptions.of(kubeconfig)).id());
    GateDecision.Refusal r = onlyRefusal(decide(snapshot, Clock.systemUTC()));
    assertThat(r.reason()).isEqualTo("certificate.snapshot");
    assertThat(r.message()).startsWith("source: ").contains("snapshot");
  }
}
