package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cairn certify against the real API server: live and from a snapshot, verified against the live
 * cluster.
 */
@RealClusterTest
class CertifyRealClusterIT {
  static Path cairnHome = Path.of("unset");
  @TempDir static Path tmp;

  @BeforeAll
  static void home() {
    cairnHome = tmp.resolve("home");
  }

  @Test
  void certify_live_andFromSnapshot_bothVerifyAgainstTheLiveCluster(RealCluster cluster)
      throws Exception {
    String kc = cluster.kubeconfig().toString();
    // a hardened workload to judge: what Kubernetes makes itself is left out of the scan
    String ns = cluster.newNamespace("certify-live");
    cluster
        .client()
        .resource(
            new java.io.ByteArrayInputStream(
                ("apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec:\n"
                        + "  securityContext: {runAsNonRoot: true, runAsUser: 10001,"
                        + " seccompProfile: {type: RuntimeDefault}}\n"
                        + "  containers:\n  - name: api\n    image: registry.example/api:1\n"
                        + "    securityContext: {allowPrivilegeEscalation: false,"
                        + " capabilities: {drop: [ALL]}}\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .inNamespace(ns)
        .create();
    Path live = tmp.resolve("live.cert.json");
    CliTest.Run c =
        CliTest.run(
            cairnHome,
            "certify",
            "--kubeconfig",
            kc,
            "--framework",
            "pss-restricted",
            "--output-file",
            live.toString());
    assertThat(c.code()).as(c.out() + c.err()).isZero();
    CliTest.Run v = CliTest.run(cairnHome, "verify", live.toString(), "--kubeconfig", kc);
    assertThat(v.code()).as(v.out()).isZero();
    assertThat(v.out()).contains(", live)").contains("cluster identity");

    Path snap = tmp.resolve("snap.json");
    assertThat(
            CliTest.run(cairnHome, "snapshot", "--kubeconfig", kc, "--output-file", snap.toString())
                .code())
        .isZero();
    Path fromSnap = tmp.resolve("snap.cert.json");
    assertThat(
            CliTest.run(
                    cairnHome,
                    "certify",
                    "--snapshot",
                    snap.toString(),
                    "--framework",
                    "pss-restricted",
                    "--output-file",
                    fromSnap.toString())
                .code())
        .isZero();
    CliTest.Run vs =
        CliTest.run(
            cairnHome, "verify", fromSnap.toString(), "--kubeconfig", kc, "--allow-snapshot");
    assertThat(vs.code()).as(vs.out()).isZero();
    assertThat(vs.out())
        .contains(", snapshot)")
        .contains(
            "snapshot: the cluster's identity is only claimed (accepted by --allow-snapshot)");
    assertThat(CliTest.run(cairnHome, "verify", fromSnap.toString(), "--kubeconfig", kc).out())
        .startsWith("NOT VERIFIED: source: the certificate was made from a snapshot");
  }
}
