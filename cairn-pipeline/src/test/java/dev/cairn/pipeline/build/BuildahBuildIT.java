package dev.cairn.pipeline.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Dockerfile with RUN built by Debian's buildah ({@code bud --isolation chroot}, vfs storage in
 * the work directory) on a busybox base made from Debian's busybox-static; both are installed by
 * the test when missing.
 */
class BuildahBuildIT {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() throws Exception {
    DebianPackages.ensure("busybox-static", Path.of("/bin/busybox"));
    DebianPackages.ensure("buildah", Path.of("/usr/bin/buildah"));
  }

  @Test
  void dockerfileWithRun_isBuiltByBuildah() throws Exception {
    Path base = TestImages.busyboxBase(tmp.resolve("images"), "busybox:test");
    Path ctx = tmp.resolve("ctx");
    Files.createDirectories(ctx);
    Files.writeString(ctx.resolve("index.html"), "<h1>hi</h1>\n");
    Files.writeString(
        ctx.resolve("Dockerfile"),
        """
        FROM busybox:test
        ARG GREETING=hello
        COPY index.html /www/
        RUN echo "$GREETING from RUN" > /www/built.txt
        CMD ["cat", "/www/built.txt"]
        """);
    List<BuildEvent> events = new ArrayList<>();
    long t0 = System.nanoTime();
    BuiltImage image =
        ImageBuilds.build(
            ImageBuild.builder(ctx, tmp.resolve("work"))
                .baseArchive("busybox:test", base)
                .buildArg("GREETING", "bonjour")
                .build(),
            events::add);
    System.out.printf("buildah build: %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    assertThat(image.builder()).isEqualTo("buildah");
    assertThat(events.getFirst()).isInstanceOf(BuildEvent.Routed.class);
    assertThat(((BuildEvent.Routed) events.getFirst()).reasons().get(0).oneLine())
        .startsWith("Dockerfile:4:1: RUN runs a command inside the image");
    assertThat(events).hasAtLeastOneElementOfType(BuildEvent.Log.class);
    // buildah bud without --layers commits what the Dockerfile adds as one layer over the base
    assertThat(image.layers()).hasSize(2);
    String runLayer = layerText(tmp.resolve("work/image.oci.tar"), image.layers().getLast());
    assertThat(runLayer).contains("www/built.txt", "bonjour from RUN", "www/index.html");
  }

  @Test
  void aCancelledBuild_stopsBuildahAndWhatItStarted() throws Exception {
    Path base = TestImages.busyboxBase(tmp.resolve("images"), "busybox:test");
    Path ctx = Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(
        ctx.resolve("Dockerfile"),
        """
        FROM busybox:test
        RUN echo started-sleeping && sleep 300
        """);
    List<BuildEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> ended =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread build =
        new Thread(
            () -> {
              try {
                ImageBuilds.build(
                    ImageBuild.builder(ctx, tmp.resolve("work"))
                        .baseArchive("busybox:test", base)
                        .build(),
                    events::add);
              } catch (Throwable t) {
                ended.set(t);
              }
            });
    build.start();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(3))
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e instanceof BuildEvent.Log l
                                && l.line().contains("started-sleeping")));
    List<ProcessHandle> running =
        ProcessHandle.current().descendants().filter(h -> isBuildah(h)).toList();
    assertThat(running).isNotEmpty();
    build.interrupt();
    build.join(30_000);
    assertThat(build.isAlive()).isFalse();
    assertThat(ended.get()).isInstanceOf(InterruptedException.class);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> running.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(ProcessHandle.current().descendants().filter(h -> isBuildah(h)).toList()).isEmpty();
  }

  private static boolean isBuildah(ProcessHandle h) {
    return h.info().command().map(c -> c.endsWith("buildah") || c.endsWith("sleep")).orElse(false)
        || h.info().commandLine().map(c -> c.contains("sleep 300")).orElse(false);
  }

  /** The bytes of a gzip layer of an OCI archive, as text (enough to find a file's content). */
  private static String layerText(Path oci, BuiltImage.Layer layer) throws Exception {
    byte[] tar = Files.readAllBytes(oci);
    String want = "blobs/sha256/" + layer.digest().hex();
    for (int off = 0; off + 512 <= tar.length && tar[off] != 0; ) {
      int end = off;
      while (end < off + 100 && tar[end] != 0) {
        end++;
      }
      String name = new String(tar, off, end - off, StandardCharsets.UTF_8);
      String sizeField = new String(tar, off + 124, 11, StandardCharsets.UTF_8).trim();
      int size = (int) Long.parseLong(sizeField, 8);
      if (name.equals(want) || name.equals("./" + want)) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tar, off + 512, size))) {
          return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
      }
      off += 512 + (size + 511) / 512 * 512;
    }
    throw new AssertionError(want + " not in " + oci);
  }
}
