package dev.cairn.pipeline.build.internal;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import dev.cairn.core.Text;
import dev.cairn.pipeline.build.BuildEvent;
import dev.cairn.pipeline.build.BuildException;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.build.JavaBuild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A Maven or Gradle project: its wrapper builds it, jib-core packages the result. Reproducible
 * layers (files in path order, fixed times, 0644 files, owner 0:0), so the same build output and
 * base give the same digest.
 */
public final class JavaImageBuilder {
  /** Environment variables of this process the wrapper may see; all others (secrets) stay out. */
  private static final List<String> PASSED_ENV = JavaBuild.WRAPPER_ENVIRONMENT;

  private JavaImageBuilder() {}

  public static Optional<JavaBuild.Tool> detect(Path dir) throws BuildException {
    boolean pom = Files.isRegularFile(dir.resolve("pom.xml"));
    boolean gradle =
        Stream.of("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts")
            .anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
    if (pom) {
      if (!Files.isRegularFile(dir.resolve("mvnw"))) {
        throw new BuildException(
            "the Maven project " + dir + " has no Maven wrapper (mvnw), and no Dockerfile",
            "add the wrapper (mvn wrapper:wrapper) and commit mvnw and .mvn/wrapper, so that the"
                + " pipeline builds with the Maven version the project chose; or add a Dockerfile",
            Fix.of("build.java.wrapper", "tool", "maven"));
      }
      return Optional.of(JavaBuild.Tool.MAVEN);
    }
    if (gradle) {
      if (!Files.isRegularFile(dir.resolve("gradlew"))) {
        throw new BuildException(
            "the Gradle project " + dir + " has no Gradle wrapper (gradlew), and no Dockerfile",
            "add the wrapper (gradle wrapper) and commit gradlew and gradle/wrapper, so that the"
                + " pipeline builds with the Gradle version the project chose; or add a Dockerfile",
            Fix.of("build.java.wrapper", "tool", "gradle"));
      }
      return Optional.of(JavaBuild.Tool.GRADLE);
    }
    return Optional.empty();
  }

  public static BuiltImage build(JavaBuild r, Consumer<? super BuildEvent> listener)
      throws BuildException, InterruptedException {
    listener.accept(new BuildEvent.Routed("jib-core", List.of()));
    runWrapper(r, listener);
    Path project = r.project();
    boolean maven = r.tool() == JavaBuild.Tool.MAVEN;
    Path out = project.resolve(maven ? "target" : "build");
    Path jar = jar(r, out.resolve(maven ? "" : "libs"));
    List<Path> libs =
        libs(
            maven
                ? List.of(out.resolve("dependency"), out.resolve("lib"))
                : List.of(out.resolve("dependency"), out.resolve("lib"), out.resolve("libs/lib")));
    String main = r.mainClass();
    if (main == null) {
      main = jar == null ? null : manifestMain(jar);
    }
    Instant fileTime =
        r.timestamp().equals(Instant.EPOCH) ? Instant.ofEpochSecond(1) : r.timestamp();
    FilePermissions file = FilePermissions.fromOctalString("644");
    List<FileEntriesLayer> layers = new ArrayList<>();
    List<String> entrypoint;
    try {
      if (r.layout() == JavaBuild.Layout.JAR) {
        if (jar == null) {
          throw new BuildException(
              "the " + tool(r) + " build made no jar in " + project.relativize(out),
              "make the build package a jar, or use layout: classes",
              Fix.of("build.java.jar"));
        }
        if (manifestMain(jar) == null) {
          throw new BuildException(
              "the jar " + jar.getFileName() + " names no Main-Class, so java -jar cannot run it",
              "set the jar's Main-Class (maven-jar-plugin's archive.manifest.mainClass, Gradle's"
                  + " jar.manifest.attributes), or use layout: classes with mainClass",
              Fix.of("build.java.main"));
        }
        layers.add(layer("dependencies", libs, "/app/lib", file, fileTime));
        layers.add(
            FileEntriesLayer.builder()
                .setName("application")
                .addEntry(
                    new FileEntry(jar, AbsoluteUnixPath.get("/app/app.jar"), file, fileTime, "0:0"))
                .build());
        entrypoint = List.of("java", "-jar", "/app/app.jar");
      } else {
        if (main == null) {
          throw new BuildException(
              "no main class for the "
                  + tool(r)
                  + " project: the pipeline names none and the"
                  + " built jar has no Main-Class",
              "give the build step mainClass: com.example.Main, or set the jar's Main-Class",
              Fix.of("build.java.main"));
        }
        List<Path> classDirs = new ArrayList<>();
        List<Path> resourceDirs = new ArrayList<>();
        if (maven) {
          classDirs.add(out.resolve("classes"));
        } else {
          for (String lang : List.of("java", "kotlin", "groovy", "scala")) {
            classDirs.add(out.resolve("classes/" + lang + "/main"));
          }
          resourceDirs.add(out.resolve("resources/main"));
        }
        if (classDirs.stream().noneMatch(Files::isDirectory)) {
          throw new BuildException(
              "the " + tool(r) + " build left no compiled classes in " + project.relativize(out),
              "check the build's log, and that its arguments compile the main sources",
              Fix.of("build.java.classes"));
        }
        layers.add(layer("dependencies", libs, "/app/libs", file, fileTime));
        FileEntriesLayer.Builder res = FileEntriesLayer.builder().setName("resources");
        FileEntriesLayer.Builder cls = FileEntriesLayer.builder().setName("classes");
        for (Path d : resourceDirs) {
          tree(d, "/app/resources", p -> true, res, file, fileTime);
        }
        for (Path d : classDirs) {
          tree(d, "/app/resources", p -> !p.toString().endsWith(".class"), res, file, fileTime);
          tree(d, "/app/classes", p -> p.toString().endsWith(".class"), cls, file, fileTime);
        }
        layers.add(res.build());
        layers.add(cls.build());
        entrypoint = List.of("java", "-cp", "/app/resources:/app/classes:/app/libs/*", main);
      }
    } catch (IOException e) {
      throw new BuildException(
          "cannot read what the "
              + tool(r)
              + " build made: "
              + Text.escape(String.valueOf(e.getMessage())),
          "check the build's output directory",
          Fix.of("build.java.output"));
    }
    return containerize(r, layers, entrypoint, listener);
  }

  private static String tool(JavaBuild r) {
    return r.tool() == JavaBuild.Tool.MAVEN ? "Maven" : "Gradle";
  }

  /** The built jar: the only one that is not sources, javadoc, tests or a plain/original copy. */
  private static @Nullable Path jar(JavaBuild r, Path dir) throws BuildException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    List<Path> jars;
    try (Stream<Path> s = Files.list(dir)) {
      jars =
          s.filter(p -> p.getFileName().toString().endsWith(".jar"))
              .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
              .filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return !n.endsWith("-sources.jar")
                        && !n.endsWith("-javadoc.jar")
                        && !n.endsWith("-tests.jar")
                        && !n.endsWith("-test-sources.jar")
                        && !n.endsWith("-plain.jar")
                        && !n.startsWith("original-");
                  })
              .sorted()
              .toList();
    } catch (IOException e) {
      return null;
    }
    if (jars.size() > 1 && r.layout() == JavaBuild.Layout.JAR) {
      throw new BuildException(
          "the "
              + tool(r)
              + " build made several jars: "
              + String.join(", ", jars.stream().map(p -> p.getFileName().toString()).toList()),
          "make it build one application jar, or use layout: classes",
          Fix.of("build.java.jar"));
    }
    return jars.isEmpty() ? null : jars.get(0);
  }

  private static List<Path> libs(List<Path> dirs) {
    for (Path d : dirs) {
      if (Files.isDirectory(d)) {
        try (Stream<Path> s = Files.list(d)) {
          return s.filter(p -> p.getFileName().toString().endsWith(".jar"))
              .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
              .sorted()
              .toList();
        } catch (IOException e) {
          return List.of();
        }
      }
    }
    return List.of();
  }

  private static @Nullable String manifestMain(Path jar) {
    try (JarFile j = new JarFile(jar.toFile())) {
      var m = j.getManifest();
      String v = m == null ? null : m.getMainAttributes().getValue("Main-Class");
      return v == null || v.isBlank() ? null : v.strip();
    } catch (IOException e) {
      return null;
    }
  }

  private static FileEntriesLayer layer(
      String name, List<Path> files, String dir, FilePermissions perm, Instant time) {
    FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName(name);
    for (Path f : files) {
      b.addEntry(
          new FileEntry(f, AbsoluteUnixPath.get(dir + "/" + f.getFileName()), perm, time, "0:0"));
    }
    return b.build();
  }

  private static void tree(
      Path dir,
      String into,
      java.util.function.Predicate<Path> take,
      FileEntriesLayer.Builder b,
      FilePermissions perm,
      Instant time)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      // links are never followed: what one points at may be outside the project
      files =
          s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
              .filter(take)
              .sorted()
              .toList();
    }
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace('\\', '/');
      b.addEntry(new FileEntry(f, AbsoluteUnixPath.get(into + "/" + rel), perm, time, "0:0"));
    }
  }

  // ------------------------------------------------------------------ the wrapper

  private static void runWrapper(JavaBuild r, Consumer<? super BuildEvent> listener)
      throws BuildException, InterruptedException {
    boolean maven = r.tool() == JavaBuild.Tool.MAVEN;
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", maven ? "./mvnw" : "./gradlew"));
    if (r.wrapperArgs().isEmpty()) {
      cmd.addAll(
          maven ? List.of("-B", "package") : List.of("build", "--no-daemon", "--console=plain"));
    } else {
      cmd.addAll(r.wrapperArgs());
    }
    String shown = String.join(" ", cmd.subList(1, cmd.size()));
    listener.accept(new BuildEvent.Log("$ " + shown));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(r.project().toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> !PASSED_ENV.contains(k));
    env.putAll(r.environment());
    env.put("CI", "true");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new BuildException(
          "cannot start " + shown + ": " + Text.escape(String.valueOf(e.getMessage())),
          "check that /bin/sh exists and the project directory is readable",
          Fix.of("build.java.wrapper"));
    }
    Deque<String> last = new ArrayDeque<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                      synchronized (last) {
                        last.addLast(line);
                        if (last.size() > 5) {
                          last.removeFirst();
                        }
                      }
                      listener.accept(new BuildEvent.Log(line));
                    }
                  } catch (IOException ignored) {
                    // the process ended
                  }
                });
    try {
      if (!p.waitFor(r.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        reader.join(5000);
        throw new BuildException(
            shown + " took longer than " + r.timeout(),
            "raise the build step's timeout or make the build faster",
            Fix.of("build.timeout", "timeout", r.timeout().toString()));
      }
    } catch (InterruptedException e) {
      kill(p);
      throw e;
    }
    reader.join(10_000);
    if (p.exitValue() != 0) {
      String tail;
      synchronized (last) {
        tail = String.join(" | ", last);
      }
      throw new BuildException(
          shown
              + " failed (exit "
              + p.exitValue()
              + "): "
              + Text.escape(tail.length() > 600 ? tail.substring(tail.length() - 600) : tail),
          "read the build log: the project does not build with its own wrapper",
          Fix.of("build.java.failed", "exit", Integer.toString(p.exitValue())));
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  // ------------------------------------------------------------------ jib

  private static BuiltImage containerize(
      JavaBuild r,
      List<FileEntriesLayer> layers,
      List<String> entrypoint,
      Consumer<? super BuildEvent> listener)
      throws BuildException, InterruptedException {
    String base = r.baseImage();
    JibContainerBuilder jib;
    try {
      if (r.baseArchives().containsKey(base)) {
        jib = Jib.from(TarImage.at(r.baseArchives().get(base)).named(base));
      } else {
        jib = Jib.from(RegistryImage.named(ImageReference.parse(base)));
      }
      for (FileEntriesLayer l : layers) {
        if (!l.getEntries().isEmpty()) {
          jib.addFileEntriesLayer(l);
        }
      }
      jib.setEntrypoint(entrypoint)
          .setProgramArguments(List.of())
          .setCreationTime(r.timestamp())
          .setFormat(ImageFormat.OCI);
      Path oci = r.archive();
      Files.createDirectories(r.workDir());
      Containerizer to =
          Containerizer.to(TarImage.at(oci).named("cairn.local/build:latest"))
              .setBaseImageLayersCache(r.workDir().resolve("cache/base"))
              .setApplicationLayersCache(r.workDir().resolve("cache/app"))
              .setToolName("cairn")
              .setToolVersion("0.1");
      JibContainer built = jib.containerize(to);
      OciArchives.Summary summary = OciArchives.read(oci);
      Digest digest = Digest.parse(built.getDigest().toString());
      if (!summary.manifest().equals(digest)) {
        throw new IllegalStateException(
            "jib-core reported " + digest + " but wrote " + summary.manifest());
      }
      listener.accept(new BuildEvent.Written(new ImageOutput.OciArchive(oci), digest.toString()));
      long size =
          summary.configSize() + summary.layers().stream().mapToLong(BuiltImage.Layer::size).sum();
      return new BuiltImage(
          digest, summary.config(), summary.layers(), size, "jib-core", List.of());
    } catch (InvalidImageReferenceException e) {
      throw new BuildException(
          "the Java base image '" + Text.escape(base) + "' is not an image reference",
          "name it as registry/repository[:tag][@digest]",
          Fix.of("build.java.base", "image", Text.escape(base)));
    } catch (ExecutionException
        | RegistryException
        | IOException
        | CacheDirectoryCreationException e) {
      Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new BuildException(
          "packaging the Java image on "
              + Text.escape(base)
              + " failed: "
              + Text.escape(String.valueOf(c.getMessage())),
          "check that the base image is reachable (the pipeline's registry, or a local archive)",
          Fix.of("build.java.base", "image", Text.escape(base)));
    }
  }
}
