package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn deploy} with a break-glass override, then {@code cairn rollback}, end to end on the
 * real API server (kwok nodes): the gate refuses a deploy whose cluster certificate was made from a
 * snapshot and whose image's registry is down; an override for that target and digest, lifting both
 * reasons and signed by Ops (olga) and Sec (sam) in their own homes, lets it through; the audit log
 * holds the use; a second revision is rolled back to the first, and the target is pinned.
 */
@RealClusterTest
class DeployOverrideRealClusterIT {
  /** The namespaces made here, deleted after each test. */
  private final MadeNamespaces made = new MadeNamespaces();

  @org.junit.jupiter.api.AfterEach
  void deleteNamespaces() {
    made.deleteAll();
  }

  @TempDir Path tmp;

  static final String DIGEST = "sha256:" + "ab".repeat(32);
  // 127.0.0.1:1 refuses connections at once: the image cannot be verified (reason "registry")
  static final String IMAGE = "127.0.0.1:1/team/web@" + DIGEST;

  static String deployment(int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: %d
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: web
                  image: %s
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
        """
        .formatted(replicas, IMAGE);
  }

  static CliTest.Run ok(CliTest.Run r) {
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    return r;
  }

  @Test
  void refused_thenDeployedWithATwoIdentityOverride_thenRolledBack(RealCluster cluster)
      throws Exception {
    Path home = tmp.resolve("home");
    String kc = cluster.kubeconfig().toString();
    String ns = cluster.newNamespace("cli-override");
    made.add(cluster.client(), ns);

    Path snap = tmp.resolve("snap.json");
    Path cert = tmp.resolve("snap.cert.json");
    // a workload for the certification to judge, then a snapshot of this live cluster
    cluster
        .client()
        .resource(
            new java.io.ByteArrayInputStream(
                deployment(1)
                    .replace("name: web}", "name: judged}")
                    .getBytes(StandardCharsets.UTF_8)))
        .inNamespace(ns)
        .create();
    ok(CliTest.run(home, "snapshot", "--kubeconfig", kc, "--output-file", snap.toString()));
    ok(
        CliTest.run(
            home,
            "certify",
            "--snapshot",
            snap.toString(),
            "--framework",
            "pss-baseline",
            "--output-file",
            cert.toString()));
    ok(
        CliTest.run(
            home,
            "deploy",
            "target",
            "prod",
            "--kubeconfig",
            kc,
            "--namespace",
            ns,
            "--certificate",
            cert.toString()));

    Path v1 = Files.writeString(tmp.resolve("v1.yaml"), deployment(1));
    Path v2 = Files.writeString(tmp.resolve("v2.yaml"), deployment(2));
    CliTest.Run refused = CliTest.run(home, "deploy", "prod", v1.toString());
    assertThat(refused.code()).as(refused.out()).isEqualTo(1);
    assertThat(refused.err())
        .contains("the deploy gate refused the deploy to prod (2 reasons):")
        .contains("registry: " + IMAGE + ": ")
        .contains("certificate.snapshot: cluster of target prod: source: ");

    Path olga = tmp.resolve("olga");
    Path sam = tmp.resolve("sam");
    Path roster = tmp.resolve("roster.json");
    ok(CliTest.run(olga, "identity", "init", "olga"));
    ok(CliTest.run(sam, "identity", "init", "sam"));
    ok(
        CliTest.run(
            home,
            "duties",
            "grant",
            "olga",
            "ops",
            "--roster",
            roster.toString(),
            "--public-key",
            DutiesCommandTest.publicKey(CliTest.run(olga, "identity", "show"))));
    ok(
        CliTest.run(
            home,
            "duties",
            "grant",
            "sam",
            "sec",
            "--roster",
            roster.toString(),
            "--public-key",
            DutiesCommandTest.publicKey(CliTest.run(sam, "identity", "show"))));
    Path override = tmp.resolve("override.json");
    ok(
        CliTest.run(
            home,
            "override",
            "create",
            "--target",
            "prod",
            "--image-digest",
            DIGEST,
            "--reason",
            "incident 42: registry down",
            "--lift",
            "registry",
            "--lift",
            "certificate.snapshot",
            "-o",
            override.toString()));

    ok(CliTest.run(olga, "override", "sign", override.toString()));
    CliTest.Run oneSigner =
        CliTest.run(
            home,
            "deploy",
            "prod",
            v1.toString(),
            "--override",
            override.toString(),
            "--roster",
            roster.toString());
    assertThat(oneSigner.code()).isEqualTo(1);
    assertThat(oneSigner.err())
        .contains("override: break-glass override: the override has only olga's signature");

    ok(CliTest.run(sam, "override", "sign", override.toString()));
    CliTest.Run deployed =
        ok(
            CliTest.run(
                home,
                "deploy",
                "prod",
                v1.toString(),
                "--override",
                override.toString(),
                "--roster",
                roster.toString()));
    assertThat(deployed.out())
        .startsWith("Deployed rev 1 to prod (" + ns + ") in ")
        .contains("gate overridden (ops olga, sec sam): lifted registry, certificate.snapshot");
    String audit = Files.readString(home.resolve("duties").resolve("audit.jsonl"));
    assertThat(audit.lines().filter(l -> l.contains("deploy-override") && l.contains("lifted")))
        .hasSize(1);
    assertThat(audit.lines().filter(l -> l.contains("accepted"))).hasSize(1);

    CliTest.Run missingRoster =
        CliTest.run(home, "deploy", "prod", v2.toString(), "--override", override.toString());
    assertThat(missingRoster.code()).isEqualTo(2);
    assertThat(missingRoster.err()).startsWith("cairn: --override needs --roster");

    ok(
        CliTest.run(
            home,
            "deploy",
            "prod",
            v2.toString(),
            "--override",
            override.toString(),
            "--roster",
            roster.toString()));
    assertThat(
            cluster
                .client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(2);

    CliTest.Run back = ok(CliTest.run(home, "rollback", "prod"));
    assertThat(back.out()).contains("rev 1");
    assertThat(
            cluster
                .client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(1);
    CliTest.Run history = ok(CliTest.run(home, "deploy", "history", "prod"));
    assertThat(history.out()).contains("overridden (ops olga, sec sam)").contains("pinned at rev");
    CliTest.Run pinned = CliTest.run(home, "deploy", "prod", v2.toString());
    assertThat(pinned.code()).isEqualTo(1);
  }
}
