package dev.cairn.certify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.Ledgers;
import dev.cairn.scanner.Framework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certification flow in-process, through the library API only (no CLI): certify, verify,
 * revoke, history, and an upgrade of the scanner between two certificates.
 */
class CertificationApiIT {
  @TempDir Path tmp;

  static String snapshot(String uid, boolean hardened) {
    Map<String, Object> container =
        hardened
            ? Map.of(
                "name",
                "api",
                "image",
                "r.example/api:1",
                "securityContext",
                Map.of(
                    "allowPrivilegeEscalation",
                    false,
                    "capabilities",
                    Map.of("drop", List.of("ALL"))))
            : Map.of("name", "c", "image", "x", "securityContext", Map.of("privileged", true));
    Map<String, Object> pod =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "Pod",
            "metadata",
            Map.of("name", hardened ? "api" : "root", "namespace", "shop"),
            "spec",
            hardened
                ? Map.of(
                    "securityContext",
                    Map.of(
                        "runAsNonRoot", true, "seccompProfile", Map.of("type", "RuntimeDefault")),
                    "containers",
                    List.of(container))
                : Map.of("containers", List.of(container)));
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

  private CertifyRequest request(Path snapshot, String certName) {
    return CertifyRequest.of(new Target.Snapshot(snapshot))
        .withFrameworks(Set.of(Framework.parse("pss-restricted").orElseThrow()))
        .withCertificateFile(tmp.resolve(certName));
  }

  @Test
  void certifyVerifyRevokeHistory_throughTheApi() throws Exception {
    CairnHome home = CairnHome.of(tmp.resolve("home"));
    Clock clock = Clock.systemUTC();
    Path good = tmp.resolve("good.json");
    Files.writeString(good, snapshot("uid-1", true));
    List<CertifyEvent> events = new CopyOnWriteArrayList<>();

    CertifyResult r =
        Certifier.create(home, clock).certify(request(good, "good.cert.json"), events::add);

    assertThat(r).isInstanceOf(CertifyResult.Issued.class);
    CertifyResult.Issued issued = (CertifyResult.Issued) r;
    assertThat(issued.certificateFile()).exists();
    assertThat(issued.reportFile()).exists();
    assertThat(events)
        .anyMatch(e -> e instanceof CertifyEvent.MeasurementApproved m && m.policyVersion() == 1);
    assertThat(events).anyMatch(e -> e instanceof CertifyEvent.Simulation);

    Verifier verifier = Verifier.create(home, clock);
    CertificateBundle bundle = CertificateBundle.parse(Files.readString(issued.certificateFile()));
    // a snapshot only claims its cluster's identity: refused unless accepted
    VerifyResult refused = verifier.verify(VerifyRequest.of(bundle));
    assertThat(refused).isInstanceOf(VerifyResult.NotVerified.class);
    assertThat(((VerifyResult.NotVerified) refused).link()).isEqualTo("source");
    // a deploy gate never takes a certificate without the live cluster's identity
    VerifyResult gate =
        verifier.verify(
            VerifyRequest.of(bundle).withSnapshotAllowed(true).withLiveIdentityRequired(true));
    assertThat(((VerifyResult.NotVerified) gate).link()).isEqualTo("cluster identity");
    VerifyResult v = verifier.verify(VerifyRequest.of(bundle).withSnapshotAllowed(true));
    assertThat(v).isInstanceOf(VerifyResult.Verified.class);
    assertThat(((VerifyResult.Verified) v).snapshot())
        .isEqualTo(VerifyResult.SnapshotAcceptance.REQUEST);
    assertThat(((VerifyResult.Verified) v).links())
        .containsExactly(
            "signature",
            "signing key",
            "statement",
            "attestation",
            "ledger inclusion",
            "ledger consistency",
            "expiry",
            "revocation",
            "source");
    assertThat(((VerifyResult.Verified) v).notChecked()).containsExactly("cluster identity");

    Records records = Records.create(home, clock);
    Records.Revoked rev =
        records.revoke(bundle, "decommissioned", null, () -> Secret.ofUtf8("unused"));
    assertThat(rev.certificate()).isEqualTo(bundle.envelope().digest());
    VerifyResult after = verifier.verify(VerifyRequest.of(bundle).withSnapshotAllowed(true));
    assertThat(after).isInstanceOf(VerifyResult.NotVerified.class);
    assertThat(((VerifyResult.NotVerified) after).link()).isEqualTo("revocation");
    assertThat(((VerifyResult.NotVerified) after).message()).contains("decommissioned");

    Records.History h =
        records.history(issued.clusterId().hex().substring(0, 12), Ledgers.EMBEDDED);
    assertThat(h.cluster()).isEqualTo(issued.clusterId());
    assertThat(h.entries()).hasSize(1);
    assertThat(h.entries().get(0).status()).isEqualTo(Records.Status.REVOKED);
    assertThat(h.entries().get(0).index()).hasValue(0);
  }

  @Test
  void failingChecks_areRefused_withTheReportKept() throws Exception {
    CairnHome home = CairnHome.of(tmp.resolve("home"));
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, snapshot("uid-2", false));

    CertifyResult r =
        Certifier.create(home, Clock.systemUTC())
            .certify(request(bad, "bad.cert.json"), CertifyListener.NONE);

    assertThat(r).isInstanceOf(CertifyResult.Refused.class);
    CertifyResult.Refused refused = (CertifyResult.Refused) r;
    assertThat(refused.failed()).extracting(CertifyResult.FailedCheck::id).isNotEmpty();
    assertThat(refused.reportFile()).exists();
    assertThat(tmp.resolve("bad.cert.json")).doesNotExist();
  }

  @Test
  void anUpgradedScanner_keepsEveryEarlierCertificateVerifiable() throws Exception {
    CairnHome home = CairnHome.of(tmp.resolve("home"));
    Clock clock = Clock.systemUTC();
    Path good = tmp.resolve("good.json");
    Files.writeString(good, snapshot("uid-3", true));
    Certifier before = Certifier.create(home, clock);
    // another build: one more class directory on the workload's class path is another measurement
    Path extra = Files.createDirectories(tmp.resolve("upgrade"));
    Files.writeString(extra.resolve("NEWS.txt"), "release 2");
    List<Path> cp = new ArrayList<>(dev.cairn.attest.MeasuredJvm.currentClassPath());
    cp.add(extra);
    Certifier after = before.withWorkloadClassPath(cp);
    assertThat(after.measurement()).isNotEqualTo(before.measurement());

    CertifyResult.Issued first =
        (CertifyResult.Issued)
            before.certify(request(good, "first.cert.json"), CertifyListener.NONE);
    List<CertifyEvent> events = new CopyOnWriteArrayList<>();
    CertifyResult.Issued second =
        (CertifyResult.Issued) after.certify(request(good, "second.cert.json"), events::add);
    assertThat(events)
        .anyMatch(e -> e instanceof CertifyEvent.MeasurementApproved m && m.policyVersion() == 2);

    Verifier verifier = Verifier.create(home, clock);
    for (CertifyResult.Issued c : List.of(first, second)) {
      VerifyResult v =
          verifier.verify(
              VerifyRequest.of(CertificateBundle.parse(Files.readString(c.certificateFile())))
                  .withSnapshotAllowed(true));
      assertThat(v).as(c.certificateFile() + ": " + v).isInstanceOf(VerifyResult.Verified.class);
    }
  }
}
