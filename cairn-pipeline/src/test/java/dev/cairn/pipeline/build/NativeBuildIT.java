package dev.cairn.pipeline.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Json;
import dev.cairn.pipeline.source.Checkout;
import dev.cairn.pipeline.source.GitAuth;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dockerfiles built natively with jib-core on a base image the test makes. */
class NativeBuildIT {
  @TempDir Path tmp;
  Path base;
  Path ctx;

  static final String DOCKERFILE =
      """
      ARG VERSION=1.0
      FROM busybox:test
      ARG VERSION
      ENV APP_HOME=/srv/app VERSION=${VERSION}
      WORKDIR $APP_HOME
      COPY --chown=1000:1000 app/ ./
      COPY bin/run.sh /usr/local/bin/
      LABEL org.opencontainers.image.version=$VERSION
      EXPOSE 8080
      USER 1000
      ENTRYPOINT ["/usr/local/bin/run.sh"]
      CMD ["--port", "8080"]
      """;

  @BeforeEach
  void context() throws IOException {
    base = TestImages.tinyBase(tmp.resolve("images"), "busybox:test");
    ctx = tmp.resolve("ctx");
    Files.createDirectories(ctx.resolve("app/static"));
    Files.createDirectories(ctx.resolve("bin"));
    Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(ctx.resolve("app/index.html"), "<h1>hello</h1>\n");
    Files.writeString(ctx.resolve("app/static/app.css"), "h1{}\n");
    Files.writeString(ctx.resolve("app/secret.env"), "TOKEN=x\n");
    Files.writeString(ctx.resolve(".dockerignore"), "# not in the image\napp/*.env\n");
    Path run = ctx.resolve("bin/run.sh");
    Files.writeString(run, "#!/bin/sh\nexec httpd \"$@\"\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private ImageBuild.Builder request(String work) {
    return ImageBuild.builder(ctx, tmp.resolve(work)).baseArchive("busybox:test", base);
  }

  @Test
  void build_twice_sameDigest_evenWhenFileTimesDiffer() throws Exception {
    List<BuildEvent> events = new ArrayList<>();
    long t0 = System.nanoTime();
    BuiltImage first = ImageBuilds.build(request("w1").build(), events::add);
    long t1 = System.nanoTime();
    try (var files = Files.walk(ctx)) {
      for (Path p : files.toList()) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
      }
    }
    BuiltImage second = ImageBuilds.build(request("w2").build(), e -> {});
    System.out.printf(
        "native build: first %d ms (cold JVM), second %d ms%n",
        (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);

    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(second.configDigest()).isEqualTo(first.configDigest());
    assertThat(second.layers()).isEqualTo(first.layers());
    assertThat(first.builder()).isEqualTo("jib-core");
    assertThat(first.layers()).hasSize(3); // the base's and one per COPY
    assertThat(first.size()).isPositive();
    assertThat(events.getFirst()).isEqualTo(new BuildEvent.Routed("jib-core", List.of()));
    assertThat(events).hasAtLeastOneElementOfType(BuildEvent.Progress.class);
    assertThat(events)
        .anyMatch(
            e -> e instanceof BuildEvent.Written w && w.digest().equals(first.digest().toString()));
  }

  @Test
  void build_writesTheDockerfilesConfigurationAndFiles() throws Exception {
    Path oci = tmp.resolve("out/app.oci.tar");
    Files.createDirectories(oci.getParent());
    BuiltImage image =
        ImageBuilds.build(
            request("w")
                .buildArg("VERSION", "2.5")
                .label("dev.cairn.commit", "abc123")
                .output(new ImageOutput.OciArchive(oci))
                .build(),
            e -> {});

    Map<String, byte[]> blobs = entries(Files.readAllBytes(oci));
    Map<String, Object> config =
        Json.parseObject(
            new String(
                blobs.get("blobs/sha256/" + image.configDigest().hex()), StandardCharsets.UTF_8));
    Map<?, ?> c = (Map<?, ?>) config.get("config");
    assertThat(list(c.get("Env"))).contains("BASE=1", "APP_HOME=/srv/app", "VERSION=2.5");
    assertThat(c.get("WorkingDir")).isEqualTo("/srv/app");
    assertThat(c.get("User")).isEqualTo("1000");
    assertThat(list(c.get("Entrypoint"))).containsExactly("/usr/local/bin/run.sh");
    assertThat(list(c.get("Cmd"))).containsExactly("--port", "8080");
    assertThat(map(c.get("ExposedPorts")).keySet()).containsExactly("8080/tcp");
    assertThat(map(c.get("Labels")))
        .containsEntry("org.opencontainers.image.version", "2.5")
        .containsEntry("dev.cairn.commit", "abc123");
    assertThat(config.get("created")).isEqualTo("1970-01-01T00:00:00Z");

    Map<String, TarEntry> app = layer(blobs, image.layers().get(1));
    assertThat(app).containsKeys("srv/app/index.html", "srv/app/static/app.css");
    assertThat(app).doesNotContainKey("srv/app/secret.env");
    assertThat(app.get("srv/app/index.html").mode()).isEqualTo(0644);
    assertThat(app.get("srv/app/index.html").uid()).isEqualTo(1000);
    assertThat(app.get("srv/app/index.html").mtime()).isEqualTo(1);
    Map<String, TarEntry> bin = layer(blobs, image.layers().get(2));
    assertThat(bin.get("usr/local/bin/run.sh").mode()).isEqualTo(0755);
    assertThat(bin.get("usr/local/bin/run.sh").uid()).isZero();
  }

  @Test
  void multiStage_copyFromAnEarlierStage() throws Exception {
    Files.writeString(
        ctx.resolve("Dockerfile"),
        """
        FROM scratch AS assets
        COPY app/ /dist/
        COPY bin/run.sh /tools/run.sh

        FROM busybox:test
        COPY --from=assets /dist/static /www/static
        COPY --from=0 --chmod=0700 /tools/run.sh /run.sh
        """);
    BuiltImage image = ImageBuilds.build(request("w").build(), e -> {});

    Map<String, byte[]> blobs = entries(Files.readAllBytes(tmp.resolve("w/image.oci.tar")));
    assertThat(image.layers()).hasSize(3);
    assertThat(layer(blobs, image.layers().get(1)).keySet())
        .contains("www/static/", "www/static/app.css")
        .noneMatch(p -> p.contains("index.html"));
    assertThat(layer(blobs, image.layers().get(2)).get("run.sh").mode()).isEqualTo(0700);
  }

  @Test
  void target_buildsThatStage() throws Exception {
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM scratch AS one\nCOPY app/index.html /\nFROM busybox:test\nRUN false\n");
    BuiltImage image = ImageBuilds.build(request("w").target("one").build(), e -> {});
    assertThat(image.layers()).hasSize(1);
    assertThat(image.builder()).isEqualTo("jib-core");
  }

  @Test
  void sameCommit_checkedOutTwice_sameDigest() throws Exception {
    Path repo = tmp.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), "FROM busybox:test\nCOPY . /src/\n");
      Files.writeString(repo.resolve("main.txt"), "hello\n");
      git.add().addFilepattern(".").call();
      String commit = git.commit().setMessage("app").setSign(false).call().name();
      BuiltImage[] built = new BuiltImage[2];
      long[] ms = new long[4];
      for (int i = 0; i < 2; i++) {
        long t0 = System.nanoTime();
        Checkout co =
            Checkout.at(repo.toUri().toString(), commit, GitAuth.none(), tmp.resolve("co" + i));
        long t1 = System.nanoTime();
        built[i] =
            ImageBuilds.build(
                ImageBuild.builder(co.dir(), tmp.resolve("work" + i))
                    .baseArchive("busybox:test", base)
                    .build(),
                e -> {});
        ms[2 * i] = (t1 - t0) / 1_000_000;
        ms[2 * i + 1] = (System.nanoTime() - t1) / 1_000_000;
      }
      System.out.printf(
          "checkout %d ms + build %d ms; again: checkout %d ms + build %d ms%n",
          ms[0], ms[1], ms[2], ms[3]);
      assertThat(built[1].digest()).isEqualTo(built[0].digest());
      Map<String, byte[]> blobs = entries(Files.readAllBytes(tmp.resolve("work0/image.oci.tar")));
      assertThat(layer(blobs, built[0].layers().get(1)).keySet())
          .contains("src/main.txt", "src/Dockerfile")
          .noneMatch(p -> p.startsWith("src/.git"));
    }
  }

  @Test
  void dockerArchiveOutput_isWritten() throws Exception {
    Path tar = tmp.resolve("app.docker.tar");
    ImageBuilds.build(
        request("w").output(new ImageOutput.DockerArchive(tar, "app:1")).build(), e -> {});
    assertThat(entries(Files.readAllBytes(tar))).containsKey("manifest.json");
  }

  @Test
  void run_isRoutedToBuildah_andRefusedByTheNativeEngine() throws Exception {
    Files.writeString(
        ctx.resolve("Dockerfile"), "FROM busybox:test\nCOPY app/ /app/\n  RUN echo hi\n");
    BuildPlan plan = ImageBuilds.plan(request("w").build());
    assertThat(plan).isInstanceOf(BuildPlan.NeedsBuildah.class);
    assertThat(((BuildPlan.NeedsBuildah) plan).reasons().get(0).render())
        .isEqualTo(
            "Dockerfile:3:3: RUN runs a command inside the image, which jib-core cannot do:"
                + " buildah builds it\n  RUN echo hi\n  ^");
    assertThatThrownBy(
            () -> ImageBuilds.build(request("w").engine(ImageBuild.Engine.NATIVE).build(), e -> {}))
        .isInstanceOf(DockerfileException.class)
        .hasMessageStartingWith("Dockerfile:3:3: RUN runs a command inside the image");
  }

  @Test
  void run_withoutBuildah_isAOneLineErrorNamingTheOptions() throws Exception {
    Files.writeString(ctx.resolve("Dockerfile"), "FROM busybox:test\nRUN echo hi\n");
    assertThatThrownBy(
            () ->
                ImageBuilds.build(request("w").buildah(tmp.resolve("no/buildah")).build(), e -> {}))
        .isInstanceOf(BuildException.class)
        .hasMessage(
            "Dockerfile:2:1: RUN runs a command inside the image, which jib-core cannot do:"
                + " buildah builds it; buildah is not installed at "
                + tmp.resolve("no/buildah"))
        .satisfies(
            e ->
                assertThat(((BuildException) e).hint())
                    .hasValueSatisfying(
                        h -> assertThat(h).contains("apt-get install buildah", "no RUN")));
  }

  @Test
  void healthcheck_isNamedAtItsLineAsBuildahOnly() throws Exception {
    Files.writeString(
        ctx.resolve("Dockerfile"), "FROM busybox:test\nHEALTHCHECK CMD true\nSTOPSIGNAL SIGINT\n");
    BuildPlan plan = ImageBuilds.plan(request("w").build());
    assertThat(((BuildPlan.NeedsBuildah) plan).reasons())
        .extracting(dev.cairn.core.Diagnostic::oneLine)
        .containsExactly(
            "Dockerfile:2:1: jib-core cannot write HEALTHCHECK into the image's configuration:"
                + " buildah builds it",
            "Dockerfile:3:1: jib-core cannot write STOPSIGNAL into the image's configuration:"
                + " buildah builds it");
  }

  @Test
  void missingSources_areEachReportedAtTheirWord() throws Exception {
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM busybox:test\nCOPY nope.txt app/secret.env /x/\nCOPY ../outside /y\n");
    assertThatThrownBy(() -> ImageBuilds.build(request("w").build(), e -> {}))
        .isInstanceOf(DockerfileException.class)
        .satisfies(
            e ->
                assertThat(((DockerfileException) e).diagnostics())
                    .extracting(dev.cairn.core.Diagnostic::oneLine)
                    .containsExactly(
                        "Dockerfile:2:6: COPY source nope.txt does not exist in the build context",
                        "Dockerfile:2:15: COPY source app/secret.env is excluded by .dockerignore",
                        "Dockerfile:3:6: COPY source ../outside is outside the build context"));
  }

  @Test
  void copyFromAStageBase_isRoutedToBuildah() throws Exception {
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM busybox:test AS b\nFROM scratch\nCOPY --from=b /etc/base-release /\n");
    assertThatThrownBy(
            () -> ImageBuilds.build(request("w").engine(ImageBuild.Engine.NATIVE).build(), e -> {}))
        .isInstanceOf(DockerfileException.class)
        .hasMessageContaining(
            "Dockerfile:3:15: COPY --from: /etc/base-release is not among the"
                + " files the stage copied in");
  }

  @Test
  void pushToAClosedPort_isAClearErrorWithoutThePassword() throws Exception {
    String password = "pw-5d1e9c";
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // closed again before the push: nothing listens there
    }
    String ref = "127.0.0.1:" + port + "/app:1";
    assertThatThrownBy(
            () ->
                ImageBuilds.build(
                    request("w")
                        .output(
                            new ImageOutput.Registry(
                                ref,
                                new RegistryAuth("ci", dev.cairn.core.Secret.ofUtf8(password)),
                                true))
                        .build(),
                    e -> {}))
        .isInstanceOf(BuildException.class)
        .hasMessageStartingWith("building " + ref + " failed: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password).doesNotContain("\n"));
  }

  @Test
  void unknownTarget_namesTheStages() {
    assertThatThrownBy(() -> ImageBuilds.build(request("w").target("nope").build(), e -> {}))
        .isInstanceOf(BuildException.class)
        .hasMessage("no stage 'nope' in Dockerfile (stages: 0)");
  }

  // ------------------------------------------------------------ reading what was written

  record TarEntry(String name, int mode, int uid, long mtime) {}

  private static Map<String, TarEntry> layer(Map<String, byte[]> blobs, BuiltImage.Layer l)
      throws IOException {
    byte[] gz = blobs.get("blobs/sha256/" + l.digest().hex());
    byte[] tar;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      tar = in.readAllBytes();
    }
    Map<String, TarEntry> out = new HashMap<>();
    for (int off = 0; off + 512 <= tar.length && tar[off] != 0; ) {
      String name = str(tar, off, 100);
      long size = Long.parseLong(str(tar, off + 124, 12).trim(), 8);
      out.put(
          name,
          new TarEntry(
              name,
              Integer.parseInt(str(tar, off + 100, 8).trim(), 8) & 07777,
              Integer.parseInt(str(tar, off + 108, 8).trim(), 8),
              Long.parseLong(str(tar, off + 136, 12).trim(), 8)));
      off += 512 + (int) ((size + 511) / 512 * 512);
    }
    return out;
  }

  private static Map<String, byte[]> entries(byte[] tar) {
    Map<String, byte[]> out = new HashMap<>();
    for (int off = 0; off + 512 <= tar.length && tar[off] != 0; ) {
      String name = str(tar, off, 100);
      int size = (int) Long.parseLong(str(tar, off + 124, 12).trim(), 8);
      byte[] data = java.util.Arrays.copyOfRange(tar, off + 512, off + 512 + size);
      out.put(name.startsWith("./") ? name.substring(2) : name, data);
      off += 512 + (size + 511) / 512 * 512;
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  private static String str(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }
}
