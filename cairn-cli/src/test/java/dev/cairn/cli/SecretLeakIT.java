package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real launcher, with every diagnostic on ({@code CAIRN_TRACE}): no secret
 * Cairn keeps (the released certificate key, the simulated platform key, the ledger key) appears in
 * any output, report, certificate, ledger or log, whether a command succeeds, finds failing checks
 * or fails.
 */
class SecretLeakIT {
  @TempDir Path tmp;

  private Launcher.Run cairn(String... args) throws Exception {
    return cairn(Map.of(), args);
  }

  private Launcher.Run cairn(Map<String, String> extraEnv, String... args) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.put("CAIRN_TRACE", "1");
    return Launcher.run(tmp, env, args);
  }

  @Test
  void noSecretReachesAnyOutputFileOrLog() throws Exception {
    Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-leak", "good"));
    Files.writeString(tmp.resolve("bad.json"), CertificationIT.snapshot("uid-leak", "bad"));
    List<Launcher.Run> runs = new ArrayList<>();
    Launcher.Run ok =
        cairn(
            Map.of("JAVA_TOOL_OPTIONS", "-Dcairn.probe=agent-would-go-here"),
            "certify",
            "--snapshot",
            "good.json",
            "-f",
            "pss-restricted",
            "--output-file",
            "good.cert.json");
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    // the measured workload does not inherit JVM options from the environment (an agent would be
    // unmeasured code): only the parent picks them up
    assertThat(ok.err().split("Picked up JAVA_TOOL_OPTIONS", -1)).hasSize(2);
    // and its measurement covers the jars the launcher's manifest pulls in, not just the first
    assertThat(Files.readString(tmp.resolve("home/simulation/measure-cache.tsv")))
        .contains("/lib/jackson-databind-")
        .contains("/lib/cairn-attest-");
    runs.add(ok);
    Launcher.Run failing =
        cairn(
            "certify",
            "--snapshot",
            "bad.json",
            "-f",
            "pss-restricted",
            "--output-file",
            "bad.cert.json");
    assertThat(failing.code()).as(failing.err()).isEqualTo(1);
    runs.add(failing);
    Launcher.Run unreachable =
        cairn("certify", "--snapshot", "good.json", "--attest", "http://127.0.0.1:9/");
    assertThat(unreachable.code()).isEqualTo(2);
    assertThat(unreachable.err()).contains("cannot reach the attestation service");
    runs.add(unreachable);
    Launcher.Run verified = cairn("verify", "good.cert.json", "--allow-snapshot");
    assertThat(verified.code()).as(verified.out() + verified.err()).isZero();
    runs.add(verified);
    runs.add(cairn("ledger", "history", "good.cert.json", "-o", "json"));
    runs.add(cairn("ledger", "show"));
    String cert = Files.readString(tmp.resolve("good.cert.json"));
    // a forged certificate: its signature replaced by another key's over the same payload
    dev.cairn.ledger.CertificateBundle good = dev.cairn.ledger.CertificateBundle.parse(cert);
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    String sig = b64.encodeToString(good.envelope().signatures().get(0).sig());
    String forgedSig =
        b64.encodeToString(
            dev.cairn.core.Dsse.sign(
                    good.envelope().payloadType(),
                    good.envelope().payload(),
                    dev.cairn.core.Keys.ed25519().getPrivate(),
                    "forger")
                .signatures()
                .get(0)
                .sig());
    String forged = cert.replace(sig, forgedSig);
    assertThat(forged).isNotEqualTo(cert);
    Files.writeString(tmp.resolve("forged.cert.json"), forged);
    Launcher.Run refused = cairn("verify", "forged.cert.json", "--allow-snapshot");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.out())
        .startsWith("NOT VERIFIED: signature: the DSSE signature does not verify");
    runs.add(refused);
    assertThat(runs.get(0).err()).contains("cairn[trace]"); // the diagnostics were on

    Path home = tmp.resolve("home");
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    List<Path> secretFiles = new ArrayList<>();
    try (Stream<Path> s = Files.list(home.resolve("attest/sessions/cairn-certify/secrets"))) {
      s.filter(p -> !p.getFileName().toString().endsWith(".pub")).forEach(secretFiles::add);
    }
    secretFiles.add(home.resolve("simulation/platform.key"));
    for (Path f : secretFiles) {
      secrets.put(f.toString(), Base64.getDecoder().decode(Files.readString(f).strip()));
    }
    secrets.put(
        "ledger-key",
        Base64.getDecoder().decode(Files.readAllLines(home.resolve("ledger-key")).get(0)));
    assertThat(secrets).hasSizeGreaterThanOrEqualTo(3);
    secretFiles.add(home.resolve("ledger-key"));

    List<String> forms = new ArrayList<>();
    for (byte[] v : secrets.values()) {
      forms.addAll(forms(v));
      if (v.length == 48) { // Ed25519 PKCS#8: the last 32 bytes are the private seed
        forms.addAll(forms(java.util.Arrays.copyOfRange(v, 16, 48)));
      }
    }
    Map<String, String> texts = new LinkedHashMap<>();
    for (int i = 0; i < runs.size(); i++) {
      texts.put("run " + i + " stdout", runs.get(i).out());
      texts.put("run " + i + " stderr", runs.get(i).err());
    }
    try (Stream<Path> all = Files.walk(tmp)) {
      for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        if (!secretFiles.contains(f)) {
          texts.put(f.toString(), read(f));
        }
      }
    }
    assertThat(texts.keySet())
        .anyMatch(k -> k.endsWith("audit.log"))
        .anyMatch(k -> k.endsWith("good.report.json"))
        .anyMatch(k -> k.contains("ledger"));
    for (Map.Entry<String, String> t : texts.entrySet()) {
      for (String form : forms) {
        assertThat(t.getValue()).as("a secret in " + t.getKey()).doesNotContain(form);
      }
    }
  }

  private static List<String> forms(byte[] v) {
    return List.of(
        HexFormat.of().formatHex(v),
        HexFormat.of().withUpperCase().formatHex(v),
        Base64.getEncoder().encodeToString(v),
        Base64.getUrlEncoder().withoutPadding().encodeToString(v));
  }

  private static String read(Path f) throws IOException {
    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
  }
}
