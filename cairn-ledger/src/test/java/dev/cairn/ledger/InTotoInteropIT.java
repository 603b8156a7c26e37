package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn's certificate statement read by the in-toto attestation reference implementation (PyPI).
 */
class InTotoInteropIT {
  static final String VERSION = "0.9.3";
  @TempDir Path tmp;

  private static String run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    return p.exitValue() + ":" + out;
  }

  @Test
  void statement_parsesAndValidatesWithInTotoAttestation() throws Exception {
    Path lib =
        Path.of(
            System.getProperty("user.home"),
            ".cache",
            "cairn",
            "tools",
            "in-toto-attestation-" + VERSION);
    if (!Files.exists(lib.resolve("in_toto_attestation"))) {
      assertThat(
              run(
                  List.of(
                      "python3",
                      "-m",
                      "pip",
                      "install",
                      "--quiet",
                      "--disable-pip-version-check",
                      "--target",
                      lib.toString(),
                      "in-toto-attestation==" + VERSION),
                  Map.of()))
          .startsWith("0:");
    }
    Instant t = Instant.parse("2026-11-23T00:00:00Z");
    Certificate c =
        new Certificate(
            Digest.sha256("cluster"),
            "uid",
            Digest.sha256("ca"),
            "https://k8s.example:6443",
            "live",
            List.of("pss-restricted"),
            Digest.sha256("checks"),
            "cairn 0.1.0",
            "simulation",
            false,
            Digest.sha256("scanner"),
            "{\"provider\":\"simulation\"}",
            Digest.sha256("report"),
            Map.of("objects", 3L, "passed", 17L),
            Digest.sha256("policy"),
            "sha256:key",
            t,
            t.plusSeconds(60));
    Path stmt = tmp.resolve("statement.json");
    Files.write(stmt, c.statement());
    String out =
        run(
            List.of(
                "python3",
                Path.of("src/test/resources/interop/check_statement.py")
                    .toAbsolutePath()
                    .toString(),
                stmt.toString()),
            Map.of("PYTHONPATH", lib.toString()));
    assertThat(out)
        .startsWith(
            "0:OK " + Certificate.PREDICATE_TYPE + " kubernetes-cluster:https://k8s.example:6443")
        .contains(Digest.sha256("cluster").hex());
    assertThat(Certificate.parse(c.statement())).isEqualTo(c);
  }
}
