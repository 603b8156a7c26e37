package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policies;
import dev.cairn.core.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * certify against a team's attestation service (cairn attest serve) instead of the embedded one.
 */
class TeamAttestationIT {
  static Path cairnHome = Path.of("unset");
  @TempDir static Path tmp;

  @BeforeAll
  static void home() throws Exception {
    cairnHome = tmp.resolve("home");
    Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-team", "good"));
  }

  private static dev.cairn.certify.Certifier certifier() {
    return dev.cairn.certify.Certifier.create(
        dev.cairn.core.CairnHome.of(cairnHome), Clock.systemUTC());
  }

  private static AttestationService team(Path dir, Digest measurement) throws Exception {
    AttestationService s =
        AttestationService.open(dir, List.of(certifier().tee().platformKey()), Clock.systemUTC());
    s.install(
        Policies.parse(
            "team.yaml",
            "name: cairn-certify\nversion: 1\nservices:\n  - name: scanner\n    measurements: ["
                + measurement
                + "]\n    command: "
                // a team that records on the embedded log releases only the certificate key
                + "[cairn-certify-workload, --signing-key, \"$$CAIRN::certificate-key$$\"]"
                + "\n"
                + "secrets:\n  - {name: certificate-key, kind: ed25519, services: [scanner]}\n",
            null));
    return s;
  }

  @Test
  void certify_withTeamService_issuesAVerifiableCertificate() throws Exception {
    Digest m = certifier().measurement();
    try (AttestationHttp http =
        AttestationHttp.serve(team(tmp.resolve("team"), m), "127.0.0.1", 0)) {
      Path cert = tmp.resolve("team.cert.json");
      CliTest.Run c =
          CliTest.run(
              cairnHome,
              "certify",
              "--snapshot",
              tmp.resolve("good.json").toString(),
              "--framework",
              "pss-restricted",
              "--attest",
              http.uri().toString(),
              "--output-file",
              cert.toString());
      assertThat(c.code()).as(c.out() + c.err()).isZero();
      CliTest.Run v = CliTest.run(cairnHome, "verify", cert.toString(), "--allow-snapshot");
      assertThat(v.code()).as(v.out()).isZero();
      assertThat(Files.readString(tmp.resolve("team/audit.log"))).contains("\"allowed\":true");
      assertThat(tmp.resolve("home/attest")).doesNotExist(); // the embedded service was not used
    }
  }

  @Test
  void certify_withAScannerTheTeamDidNotApprove_isRefused() throws Exception {
    try (AttestationHttp http =
        AttestationHttp.serve(
            team(tmp.resolve("team2"), Digest.sha256("the approved build")), "127.0.0.1", 0)) {
      CliTest.Run c =
          CliTest.run(
              cairnHome,
              "certify",
              "--snapshot",
              tmp.resolve("good.json").toString(),
              "--attest",
              http.uri().toString(),
              "--output-file",
              tmp.resolve("x.cert.json").toString());
      assertThat(c.code()).isEqualTo(2);
      assertThat(c.err())
          .contains("attestation service refused: measurement")
          .contains("is not allowed by the attestation policy");
    }
  }
}
