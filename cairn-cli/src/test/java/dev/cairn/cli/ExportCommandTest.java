package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.deploy.tekton.TektonExport;
import dev.cairn.pipeline.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn export tekton}: the library's export on stdout or in a file; bad input in one line.
 */
class ExportCommandTest {
  static final String IMAGE = "127.0.0.1:5000/cairn@sha256:" + "ab".repeat(32);

  @TempDir Path tmp;

  Path repository(String pipeline) throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve(".cairn"));
    Files.writeString(repo.resolve(".cairn/pipeline.yaml"), pipeline);
    return repo;
  }

  @Test
  void exportTekton_ofARepository_printsTheExportOnStdout() throws Exception {
    String text =
        "name: shop\ntriggers:\n  branches: [main]\nsteps:\n  - checkout\n  - build\n  - push:"
            + " {registry: '127.0.0.1:5000', repository: shop}\n  - deploy\n";
    Path repo = repository(text);
    CliTest.Run r =
        CliTest.run(
            tmp.resolve("h"),
            "export",
            "tekton",
            "--pipeline",
            repo.toString(),
            "--namespace",
            "ci",
            "--image",
            IMAGE);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    String expected =
        TektonExport.render(
                Pipelines.parse(".cairn/pipeline.yaml", text),
                new TektonExport.Options("ci", IMAGE))
            .yaml();
    assertThat(r.out()).isEqualTo(expected);
    assertThat(r.out())
        .contains("kind: \"EventListener\"")
        .contains("name: \"shop-push\"")
        .contains("default: \"" + IMAGE + "\"")
        .contains("body.ref.matches('^refs/heads/(main)$')");
  }

  @Test
  void exportTekton_toAFile_writesItAndSaysSoOnStderr() throws Exception {
    Path file = repository("name: shop\nsteps:\n  - build\n").resolve(".cairn/pipeline.yaml");
    Path out = tmp.resolve("tekton.yaml");
    CliTest.Run r =
        CliTest.run(
            tmp.resolve("h"),
            "export",
            "tekton",
            "--pipeline",
            file.toString(),
            "-o",
            out.toString(),
            "--image",
            IMAGE);
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("Wrote 9 Tekton objects of pipeline shop (namespace default)");
    assertThat(Files.readString(out))
        .contains("kind: \"Pipeline\"")
        .contains("namespace: \"default\"");
  }

  @Test
  void exportTekton_aDirectoryWithoutAFile_exportsTheDefaults() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    CliTest.Run r =
        CliTest.run(
            tmp.resolve("h"), "export", "tekton", "--pipeline", empty.toString(), "--image", IMAGE);
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("name: \"default-checkout\"").contains("name: \"default-deploy\"");
  }

  @Test
  void exportTekton_badInput_isOneLineWithAHint() throws Exception {
    Path repo = repository("name: shop\nsteps:\n  - build\n");
    CliTest.Run noImage =
        CliTest.run(tmp.resolve("h"), "export", "tekton", "--pipeline", repo.toString());
    assertThat(noImage.code()).isEqualTo(2);
    assertThat(noImage.err()).contains("--image");

    CliTest.Run ns =
        CliTest.run(
            tmp.resolve("h"),
            "export",
            "tekton",
            "--pipeline",
            repo.toString(),
            "-n",
            "Not_A_Namespace",
            "--image",
            IMAGE);
    assertThat(ns.code()).isEqualTo(2);
    assertThat(ns.err().lines().toList())
        .containsExactly(
            "cairn: not a namespace name: Not_A_Namespace",
            "  perhaps you should give a DNS label, e.g. --namespace ci");

    CliTest.Run missing =
        CliTest.run(
            tmp.resolve("h"),
            "export",
            "tekton",
            "--pipeline",
            tmp.resolve("nope.yaml").toString(),
            "--image",
            IMAGE);
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).startsWith("cairn: no pipeline file or directory ");

    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "name: shop\nsteps:\n  - bild\n");
    CliTest.Run invalid =
        CliTest.run(
            tmp.resolve("h"), "export", "tekton", "--pipeline", bad.toString(), "--image", IMAGE);
    assertThat(invalid.code()).isEqualTo(2);
    assertThat(invalid.err()).contains(bad + ":3:");
    assertThat(invalid.out()).isEmpty();
  }
}
