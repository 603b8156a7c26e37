package dev.cairn.supplychain.sbom;

import static dev.cairn.supplychain.sbom.SbomDirectoryTest.OPTIONS;
import static dev.cairn.supplychain.sbom.SbomDirectoryTest.purls;
import static dev.cairn.supplychain.sbom.SbomDirectoryTest.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Go binary, built here by the machine's {@code go} offline (a local module replaced by a
 * directory, so nothing is downloaded): its module path, Go version and dependency as the SBOM
 * reads them from the inline build info of Go 1.18+.
 */
class GoBinarySbomIT {
  @TempDir Path dir;

  static Path go() {
    for (String p :
        List.of(
            "/usr/local/go/bin/go",
            "/usr/lib/go/bin/go",
            "/usr/bin/go",
            System.getProperty("user.home") + "/go/bin/go")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return Path.of("go");
  }

  static String run(Path cwd, Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      assumeTrue(false, "no go on this machine: " + e.getMessage());
      throw e;
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("go finished").isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + text).isZero();
    return text.strip();
  }

  @Test
  void realGoBinary_modulePathGoVersionAndReplacedDependency() throws Exception {
    Path go = go();
    assumeTrue(Files.isExecutable(go), "no go on this machine");
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(
        src.resolve("go.mod"),
        "module example.com/cairn/hello\n\ngo 1.21\n\nrequire example.com/greet v1.2.3\n\n"
            + "replace example.com/greet => ./greet\n");
    Files.writeString(
        src.resolve("main.go"),
        "package main\n\nimport \"example.com/greet\"\n\nfunc main() { println(greet.Hi()) }\n");
    Files.createDirectories(src.resolve("greet"));
    Files.writeString(src.resolve("greet/go.mod"), "module example.com/greet\n\ngo 1.21\n");
    Files.writeString(
        src.resolve("greet/greet.go"), "package greet\n\nfunc Hi() string { return \"hi\" }\n");
    Map<String, String> env = new java.util.HashMap<>();
    env.put("GOFLAGS", "-mod=mod");
    env.put("GOTOOLCHAIN", "local");
    env.put("GOPROXY", "off");
    env.put("GOWORK", "off");
    env.put("CGO_ENABLED", "0");
    env.put("GOCACHE", dir.resolve("gocache").toString());
    env.put("GOPATH", dir.resolve("gopath").toString());
    String version = run(src, env, go.toString(), "env", "GOVERSION");
    Path bin = dir.resolve("rootfs/usr/local/bin/hello");
    Files.createDirectories(bin.getParent());
    run(src, env, go.toString(), "build", "-buildvcs=false", "-o", bin.toString(), ".");
    Sbom s = valid(Sboms.directory(dir.resolve("rootfs"), OPTIONS));
    List<String> expected = new ArrayList<>();
    expected.add("pkg:golang/example.com/cairn/hello");
    expected.add("pkg:golang/example.com/greet@v1.2.3");
    expected.add("pkg:golang/stdlib@" + version.substring(2).split(" ")[0]);
    assertThat(purls(s)).containsExactlyElementsOf(expected);
    Component main = s.components().get(0);
    assertThat(main.type()).isEqualTo(Component.Type.APPLICATION);
    assertThat(main.version()).isEqualTo("(devel)");
    assertThat(s.components().get(2).version()).isEqualTo(version.split(" ")[0]);
  }

  @Test
  void realGoBinary_dependencyFree() throws Exception {
    Path go = go();
    assumeTrue(Files.isExecutable(go), "no go on this machine");
    Path src = Files.createDirectories(dir.resolve("solo"));
    Files.writeString(src.resolve("go.mod"), "module example.com/solo\n\ngo 1.21\n");
    Files.writeString(src.resolve("main.go"), "package main\n\nfunc main() {}\n");
    Map<String, String> env =
        Map.of(
            "GOFLAGS", "-mod=mod",
            "GOTOOLCHAIN", "local",
            "GOPROXY", "off",
            "CGO_ENABLED", "0",
            "GOCACHE", dir.resolve("gocache").toString(),
            "GOPATH", dir.resolve("gopath").toString());
    run(src, env, go.toString(), "build", "-buildvcs=false", "-o", "solo", ".");
    Sbom s = valid(Sboms.directory(src, OPTIONS));
    assertThat(purls(s)).hasSize(2).first().isEqualTo("pkg:golang/example.com/solo");
    assertThat(s.components().get(1).name()).isEqualTo("stdlib");
  }
}
