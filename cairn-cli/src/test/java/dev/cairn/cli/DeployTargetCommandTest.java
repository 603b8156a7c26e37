package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CliTest.Run;
import dev.cairn.core.CairnHome;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.Targets;
import dev.cairn.deploy.VulnPolicy;
import dev.cairn.supplychain.vuln.Severity;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn deploy target} with the vulnerability policy: kept in the target, read back. */
class DeployTargetCommandTest {
  @TempDir Path home;

  @Test
  void target_withMaxSeverityAndDbAge_keepsTheVulnerabilityPolicy() throws Exception {
    Run r =
        CliTest.run(
            home,
            "deploy",
            "target",
            "prod",
            "--kubeconfig",
            home.resolve("kubeconfig").toString(),
            "--namespace",
            "shop",
            "--no-certificate",
            "--max-severity",
            "high",
            "--max-db-age",
            "36h");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .endsWith(
            "It demands each image's attested vulnerability-gate result: no open finding at or"
                + " above high, database at most 36h old\n");
    TargetConfig t = Targets.require(CairnHome.of(home), "prod");
    assertThat(t.vulnerabilities())
        .isEqualTo(new VulnPolicy(Severity.HIGH, Duration.ofHours(36), true));
  }

  @Test
  void target_withoutMaxSeverity_demandsNoVulnerabilityAttestation() throws Exception {
    Run r =
        CliTest.run(
            home,
            "deploy",
            "target",
            "dev",
            "--kubeconfig",
            home.resolve("kubeconfig").toString(),
            "--namespace",
            "shop",
            "--no-certificate");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Targets.require(CairnHome.of(home), "dev").vulnerabilities()).isNull();
  }

  @Test
  void target_maxDbAgeWithoutMaxSeverity_isAUsageError() throws Exception {
    Run r =
        CliTest.run(
            home,
            "deploy",
            "target",
            "prod",
            "--kubeconfig",
            home.resolve("kubeconfig").toString(),
            "--namespace",
            "shop",
            "--no-certificate",
            "--max-db-age",
            "7d");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(
            "cairn: --max-db-age needs --max-severity\n  perhaps you should give --max-severity");
  }

  @Test
  void target_unknownSeverity_isAUsageError() throws Exception {
    Run r =
        CliTest.run(
            home,
            "deploy",
            "target",
            "prod",
            "--kubeconfig",
            home.resolve("kubeconfig").toString(),
            "--namespace",
            "shop",
            "--no-certificate",
            "--max-severity",
            "severe");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown severity 'severe'");
  }
}
