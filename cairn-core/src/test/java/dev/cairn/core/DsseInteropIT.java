package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cairn's DSSE envelopes verified by the reference implementation (go-securesystemslib/dsse). */
class DsseInteropIT {
  @TempDir Path tmp;

  private String go(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Files.isExecutable(Path.of("/usr/local/go/bin/go")) ? "/usr/local/go/bin/go" : "go");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GOTOOLCHAIN", "local");
    pb.environment().put("GOFLAGS", "-mod=mod");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    return p.exitValue() + ":" + out;
  }

  @Test
  void envelope_verifiesWithGoSecuresystemslibDsse() throws Exception {
    Path mod = tmp.resolve("mod");
    Files.createDirectories(mod);
    Files.copy(
        Path.of("src/test/resources/interop/main.go.txt"),
        mod.resolve("main.go"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        Path.of("src/test/resources/interop/go.mod.txt"),
        mod.resolve("go.mod"),
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(go(mod, "mod", "tidy")).startsWith("0:");
    KeyPair kp = Keys.ed25519();
    Dsse.Envelope e =
        Dsse.sign(
            Dsse.IN_TOTO_PAYLOAD_TYPE,
            "{\"_type\":\"https://in-toto.io/Statement/v1\"}".getBytes(StandardCharsets.UTF_8),
            kp.getPrivate(),
            Keys.keyId(kp.getPublic()));
    Files.writeString(tmp.resolve("env.json"), e.toJson());
    Files.writeString(
        tmp.resolve("key.b64"), Base64.getEncoder().encodeToString(Keys.raw(kp.getPublic())));
    assertThat(
            go(
                mod,
                "run",
                ".",
                tmp.resolve("env.json").toString(),
                tmp.resolve("key.b64").toString()))
        .isEqualTo("0:OK application/vnd.in-toto+json\n");
    Files.writeString(
        tmp.resolve("key.b64"),
        Base64.getEncoder().encodeToString(Keys.raw(Keys.ed25519().getPublic())));
    assertThat(
            go(
                mod,
                "run",
                ".",
                tmp.resolve("env.json").toString(),
                tmp.resolve("key.b64").toString()))
        .startsWith("1:verify:");
  }
}
