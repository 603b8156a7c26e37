package dev.cairn.deploy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyListener;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Records;
import dev.cairn.certify.Target;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.scanner.Framework;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace's cluster certificate, issued by the real certification flow (attested scan of a
 * snapshot by the measured scanner, recorded in the embedded log): a valid one admits a verified
 * image; an expired one, another cluster's (the real test cluster's live identity differs), and a
 * revoked one deny it, each with its link in the message.
 */
@RealClusterTest
class AdmissionCertificateIT {
  @TempDir Path tmp;

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

  @Test
  void clusterCertificate_validAdmits_expiredOtherClusterAndRevokedDeny(RealCluster cluster)
      throws Exception {
    CairnHome home = CairnHome.of(tmp.resolve("home"));
    Path snap = Files.writeString(tmp.resolve("snap.json"), snapshot("uid-admission"));
    CertifyResult r =
        Certifier.create(home, Clock.systemUTC())
            .certify(
                CertifyRequest.of(new Target.Snapshot(snap))
                    .withFrameworks(Set.of(Framework.parse("pss-restricted").orElseThrow()))
                    .withCertificateFile(tmp.resolve("c.cert.json")),
                CertifyListener.NONE);
    assertThat(r).isInstanceOf(CertifyResult.Issued.class);
    CertificateBundle bundle =
        CertificateBundle.parse(Files.readString(((CertifyResult.Issued) r).certificateFile()));

    KeyPair key = CosignKeys.generate();
    OciClient oci = Registries.layout(tmp.resolve("layout"));
    ImageRef good =
        SignedImages.signed(oci, ImageRef.parse("registry.test/team/app:v1"), key, "cert");
    Map<?, ?> req =
        AdmissionTest.request(
            Reviews.pod("u", "shop", "CREATE", Reviews.containers("app", good.toString())));
    VerifyRequest snapshotOk = VerifyRequest.of(bundle).withSnapshotAllowed(true);

    try (Admission valid =
        Admission.builder(SignedImages.trusting(key), oci)
            .clusterCertificate(Verifier.create(home, Clock.systemUTC()), snapshotOk)
            .cacheTtl(Duration.ZERO)
            .build()) {
      Decision d = valid.decide(req);
      assertThat(d.allowed()).as(d.message()).isTrue();
      assertThat(d.message())
          .isEqualTo("cairn admission: 1 image verified, cluster certificate valid");
    }

    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(400));
    try (Admission expired =
        Admission.builder(SignedImages.trusting(key), oci)
            .clusterCertificate(Verifier.create(home, later), snapshotOk)
            .build()) {
      Decision d = expired.decide(req);
      assertThat(d.allowed()).isFalse();
      assertThat(d.reasons())
          .singleElement()
          .asString()
          .startsWith("cluster certificate not valid: expiry: ");
    }

    try (Admission other =
        Admission.builder(SignedImages.trusting(key), oci)
            .clusterCertificate(
                Verifier.create(home, Clock.systemUTC()),
                snapshotOk.withKubeconfig(cluster.kubeconfig()).withLiveIdentityRequired(true))
            .build()) {
      Decision d = other.decide(req);
      assertThat(d.allowed()).isFalse();
      assertThat(d.reasons())
          .singleElement()
          .asString()
          .startsWith("cluster certificate not valid: cluster identity: ");
    }

    Records.create(home, Clock.systemUTC())
        .revoke(bundle, "decommissioned", null, () -> Secret.ofUtf8("unused"));
    try (Admission revoked =
        Admission.builder(SignedImages.trusting(key), oci)
            .clusterCertificate(Verifier.create(home, Clock.systemUTC()), snapshotOk)
            .build()) {
      Decision d = revoked.decide(req);
      assertThat(d.allowed()).isFalse();
      assertThat(d.reasons())
          .singleElement()
          .asString()
          .startsWith("cluster certificate not valid: revocation: ")
          .contains("decommissioned");
      assertThat(d.message())
          .startsWith(
              "cairn admission denied Pod shop/web: cluster certificate not valid: revocation: ");
    }
  }
}
