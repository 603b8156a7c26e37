package dev.cairn.certify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input fails before Cairn's home gains attestation state or an approved measurement. */
class CertifierInputsTest {
  @TempDir Path tmp;

  private void refusedAndHomeStaysEmpty(Target target, String message) throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Certifier c = Certifier.create(CairnHome.of(home), Clock.systemUTC());

    assertThatThrownBy(
            () ->
                c.certify(
                    CertifyRequest.of(target).withCertificateFile(tmp.resolve("c.cert.json")),
                    e -> {}))
        .isInstanceOfSatisfying(
            CertifyException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(CertifyException.Reason.INPUT);
              assertThat(e.getMessage()).isEqualTo(message);
            });
    try (Stream<Path> s = Files.walk(home)) {
      assertThat(s.filter(p -> !p.equals(home)).toList()).isEmpty();
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsOnly("home", "bad.json");
    }
  }

  @Test
  void certify_missingSnapshot_createsNothing() throws Exception {
    Files.writeString(tmp.resolve("bad.json"), "");
    refusedAndHomeStaysEmpty(
        new Target.Snapshot(Path.of("/nonexistent")), "no snapshot /nonexistent");
  }

  @Test
  void certify_fileThatIsNoSnapshot_createsNothing() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"objects\": []}");
    refusedAndHomeStaysEmpty(new Target.Snapshot(bad), bad + " is not a cluster snapshot");
  }

  @Test
  void certify_missingKubeconfig_createsNothing() throws Exception {
    Files.writeString(tmp.resolve("bad.json"), "");
    refusedAndHomeStaysEmpty(
        new Target.Live(tmp.resolve("nope.kubeconfig")),
        "no kubeconfig " + tmp.resolve("nope.kubeconfig"));
  }
}
