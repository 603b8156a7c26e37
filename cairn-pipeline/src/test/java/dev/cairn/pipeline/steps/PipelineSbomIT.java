package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunLogs;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.Trigger;
import dev.cairn.supplychain.sbom.Component;
import dev.cairn.supplychain.sbom.Sbom;
import dev.cairn.testing.CycloneDx;
import dev.cairn.testing.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sbom} step in a real run: a repository whose Dockerfile copies a dpkg database and a
 * jar into the image, built and pushed to Debian's docker-registry; the SBOM made before push (of
 * the built archive) and after it (of the pushed image) name the same components and the image's
 * digest, and are valid CycloneDX 1.6.
 */
class PipelineSbomIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;

  static byte[] jar() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new ZipEntry("META-INF/maven/org.slf4j/slf4j-api/pom.properties"));
      j.write("groupId=org.slf4j\nartifactId=slf4j-api\nversion=2.0.9\n".getBytes());
      j.closeEntry();
    }
    return out.toByteArray();
  }

  private RunRecord run(String steps) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("app"));
    Files.createDirectories(repo.resolve("rootfs/var/lib/dpkg"));
    Files.createDirectories(repo.resolve("rootfs/etc"));
    Files.writeString(repo.resolve("rootfs/etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
    Files.writeString(
        repo.resolve("rootfs/var/lib/dpkg/status"),
        "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\n"
            + "Version: 1:1.2.13.dfsg-1\n");
    Files.write(repo.resolve("rootfs/slf4j-api-2.0.9.jar"), jar());
    Files.writeString(
        repo.resolve("Dockerfile"),
        "FROM scratch\nCOPY rootfs/etc/os-release /etc/os-release\n"
            + "COPY rootfs/var/lib/dpkg/status /var/lib/dpkg/status\n"
            + "COPY rootfs/slf4j-api-2.0.9.jar /app/lib/slf4j-api-2.0.9.jar\n");
    Files.createDirectories(repo.resolve(".cairn"));
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "name: sbom\nsteps:\n"
            + steps.replace(
                "PUSH",
                "push: {registry: "
                    + REGISTRY.address()
                    + ", repository: team/sbom, insecure: true}"));
    String commit;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      commit =
          git.commit()
              .setMessage("first")
              .setAuthor("dev", "dev@example.com")
              .setCommitter("dev", "dev@example.com")
              .setSign(false)
              .call()
              .getName();
    }
    try (RunEngine engine =
        Pipelines.engine(Pipelines.fileStore(dir.resolve("runs")))
            .workspaces(dir.resolve("ws"))
            .keepWorkspaces(true)
            .executor(Pipelines.localRunExecutor(Map.of()))
            .executors(Steps.all(CairnHome.of(dir.resolve("home")), Clock.systemUTC()))
            .secrets(SecretSource.of(Map.of()))
            .start()) {
      RunRecord r =
          engine.await(
              engine
                  .submit(
                      RunRequest.of(
                          repo.toUri().toString(),
                          commit,
                          "refs/heads/main",
                          Trigger.manual("dev", commit, "refs/heads/main"),
                          Pipelines.load(repo)))
                  .run()
                  .id(),
              Duration.ofMinutes(3));
      assertThat(r.state()).as(RunLogs.text(engine.store(), r.id())).isEqualTo(RunState.SUCCEEDED);
      return r;
    }
  }

  private static Sbom checked(StepRecord s) throws Exception {
    Path file = Path.of(s.outputs().get("sbom"));
    CycloneDx.assertValid(file);
    assertThat(s.outputs().get("sbomDigest"))
        .isEqualTo(Digest.sha256(Files.readAllBytes(file)).toString());
    Sbom sbom = Sbom.read(file);
    assertThat(s.outputs().get("components")).isEqualTo(Integer.toString(sbom.components().size()));
    assertThat(sbom.components().stream().map(Component::purl))
        .containsExactly(
            "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
            "pkg:generic/debian@12", "pkg:maven/org.slf4j/slf4j-api@2.0.9");
    return sbom;
  }

  @Test
  void sbomStep_beforeAndAfterPush_describeTheBuiltImage() throws Exception {
    RunRecord r =
        run(
            "  - checkout\n  - build\n  - sbom: {output: before/sbom.cdx.json}\n  - PUSH\n"
                + "  - name: sbom-pushed\n    sbom: {}\n");
    String digest = r.steps().get(1).outputs().get("digest");
    Sbom before = checked(r.steps().get(2));
    Sbom after = checked(r.steps().get(4));
    assertThat(r.steps().get(2).outputs().get("sbom")).endsWith("/before/sbom.cdx.json");
    assertThat(r.steps().get(4).outputs().get("sbom")).endsWith("/sbom.cdx.json");
    assertThat(before.subject().version()).isEqualTo(digest);
    assertThat(after.subject().version()).isEqualTo(digest);
    assertThat(before.subject().name()).isEqualTo(REGISTRY.address() + "/team/sbom");
    assertThat(after.subject().purl())
        .startsWith("pkg:oci/sbom@sha256%3A" + digest.substring(7) + "?repository_url=");
    assertThat(after.components()).isEqualTo(before.components());
  }
}
