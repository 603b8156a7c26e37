package dev.cairn.pipeline.build.internal;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Diagnostic;
import dev.cairn.core.Fix;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.pipeline.build.BuildEvent;
import dev.cairn.pipeline.build.BuildException;
import dev.cairn.pipeline.build.BuildPlan;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.Dockerfile;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.build.RegistryAuth;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds with buildah: {@code buildah --root D --runroot R --storage-driver vfs bud --isolation
 * chroot}, its storage in the build's work directory, base archives pulled into it first,
 * credentials in an owner-only auth file (never on a command line), then pushed to each output.
 */
final class BuildahBuilder {
  private BuildahBuilder() {}

  static BuiltImage build(
      ImageBuild r, BuildPlan plan, List<Diagnostic> reasons, Consumer<? super BuildEvent> listener)
      throws BuildException, InterruptedException {
    Path exe = r.buildah() != null ? r.buildah() : onPath("buildah");
    if (exe == null || !Files.isExecutable(exe)) {
      String why =
          reasons.isEmpty()
              ? "the build was asked of buildah"
              : reasons.get(0).oneLine()
                  + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more)" : "");
      throw new BuildException(
          why + "; buildah is not installed" + (r.buildah() != null ? " at " + r.buildah() : ""),
          "install buildah (Debian: apt-get install buildah) or give its path, or change the"
              + " Dockerfile so that jib-core builds it (no RUN, HEALTHCHECK, STOPSIGNAL, COPY"
              + " from an image)",
          Fix.of("build.buildah.missing"));
    }
    Path dir = r.workDir().resolve("buildah");
    Path auth = dir.resolve("auth-" + UUID.randomUUID() + ".json");
    String image = "localhost/cairn-build:" + UUID.randomUUID().toString().substring(0, 8);
    try {
      Files.createDirectories(dir.resolve("tmp"));
      List<String> common =
          List.of(
              exe.toString(),
              "--root",
              dir.resolve("root").toString(),
              "--runroot",
              dir.resolve("runroot").toString(),
              "--storage-driver",
              "vfs");
      boolean withAuth = writeAuth(r, auth);
      boolean insecure = !r.insecureRegistries().isEmpty();
      Dockerfile d = plan.dockerfile();
      for (int i : Builds.needed(d, target(plan))) {
        Dockerfile.Stage s = d.stages().get(i);
        Path archive = r.baseArchives().get(s.from().image().value());
        if (s.from().stage() < 0 && archive != null) {
          String out =
              run(r, dir, cat(common, "pull", "--quiet", "docker-archive:" + archive), listener);
          String id = out.strip().lines().reduce((a, b) -> b).orElse("").strip();
          run(r, dir, cat(common, "tag", id, s.from().image().value()), listener);
        }
      }
      List<String> bud =
          cat(
              common,
              "bud",
              "--isolation",
              "chroot",
              "--format",
              "oci",
              "--timestamp",
              Long.toString(r.timestamp().getEpochSecond()),
              "-f",
              r.dockerfilePath().toAbsolutePath().toString());
      r.buildArgs().forEach((k, v) -> bud.addAll(List.of("--build-arg", k + "=" + v)));
      r.labels().forEach((k, v) -> bud.addAll(List.of("--label", k + "=" + v)));
      if (r.target() != null) {
        bud.addAll(List.of("--target", r.target()));
      }
      if (withAuth) {
        bud.addAll(List.of("--authfile", auth.toString()));
      }
      if (insecure) {
        bud.add("--tls-verify=false");
      }
      bud.addAll(List.of("-t", image, r.context().toAbsolutePath().toString()));
      run(r, dir, bud, listener);

      Path oci =
          r.outputs().stream()
              .filter(o -> o instanceof ImageOutput.OciArchive)
              .map(o -> ((ImageOutput.OciArchive) o).file())
              .findFirst()
              .orElse(r.workDir().resolve("image.oci.tar"));
      Files.deleteIfExists(oci);
      Path digestFile = dir.resolve("digest");
      run(
          r,
          dir,
          cat(common, "push", "--digestfile", digestFile.toString(), image, "oci-archive:" + oci),
          listener);
      OciArchives.Summary summary = OciArchives.read(oci);
      listener.accept(
          new BuildEvent.Written(new ImageOutput.OciArchive(oci), summary.manifest().toString()));
      List<String> pushed = new ArrayList<>();
      for (ImageOutput o : r.outputs()) {
        switch (o) {
          case ImageOutput.OciArchive a -> {
            if (!a.file().equals(oci)) {
              Files.copy(oci, a.file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
              listener.accept(new BuildEvent.Written(a, summary.manifest().toString()));
            }
          }
          case ImageOutput.DockerArchive a -> {
            Files.deleteIfExists(a.file());
            run(
                r,
                dir,
                cat(common, "push", image, "docker-archive:" + a.file() + ":" + a.reference()),
                listener);
            listener.accept(new BuildEvent.Written(a, ""));
          }
          case ImageOutput.Registry reg -> {
            Path regAuth = dir.resolve("push-" + UUID.randomUUID() + ".json");
            try {
              List<String> push = cat(common, "push", "--digestfile", digestFile.toString());
              if (reg.auth() != null) {
                writeAuthFile(regAuth, Map.of(host(reg.reference()), reg.auth()));
                push.addAll(List.of("--authfile", regAuth.toString()));
              }
              if (reg.insecure() || r.insecureRegistries().contains(host(reg.reference()))) {
                push.add("--tls-verify=false");
              }
              push.addAll(List.of(image, "docker://" + reg.reference()));
              run(r, dir, push, listener);
            } finally {
              Files.deleteIfExists(regAuth);
            }
            String digest = Files.readString(digestFile).strip();
            String repo = reg.reference();
            int slash = repo.lastIndexOf('/');
            int colon = repo.lastIndexOf(':');
            if (colon > slash) {
              repo = repo.substring(0, colon);
            }
            pushed.add(repo + "@" + digest);
            listener.accept(new BuildEvent.Written(reg, digest));
          }
        }
      }
      run(r, dir, cat(common, "rmi", image), e -> {});
      long size =
          summary.configSize() + summary.layers().stream().mapToLong(BuiltImage.Layer::size).sum();
      return new BuiltImage(
          summary.manifest(), summary.config(), summary.layers(), size, "buildah", pushed);
    } catch (IOException e) {
      throw new BuildException(
          "buildah build failed: " + Text.escape(String.valueOf(e.getMessage())),
          "check the work directory " + r.workDir(),
          Fix.of("build.workdir", "dir", r.workDir().toString()));
    } finally {
      try {
        Files.deleteIfExists(auth);
      } catch (IOException ignored) {
        // the work directory is the build's own; a leftover owner-only file goes with it
      }
    }
  }

  private static Dockerfile.Stage target(BuildPlan plan) {
    return switch (plan) {
      case BuildPlan.Native n -> n.target();
      case BuildPlan.NeedsBuildah n -> n.target();
    };
  }

  private static List<String> cat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  private static String host(String reference) {
    int slash = reference.indexOf('/');
    return slash < 0 ? "docker.io" : reference.substring(0, slash);
  }

  private static boolean writeAuth(ImageBuild r, Path file) throws IOException {
    if (r.registryAuth().isEmpty()) {
      return false;
    }
    writeAuthFile(file, r.registryAuth());
    return true;
  }

  /** containers-auth.json, owner-only: {"auths": {"host": {"auth": base64(user:password)}}}. */
  private static void writeAuthFile(Path file, Map<String, RegistryAuth> auths) throws IOException {
    Map<String, Object> hosts = new LinkedHashMap<>();
    for (var e : auths.entrySet()) {
      byte[] pw = e.getValue().password().bytes();
      byte[] user = (e.getValue().username() + ":").getBytes(StandardCharsets.UTF_8);
      byte[] both = new byte[user.length + pw.length];
      System.arraycopy(user, 0, both, 0, user.length);
      System.arraycopy(pw, 0, both, user.length, pw.length);
      hosts.put(e.getKey(), Map.of("auth", Base64.getEncoder().encodeToString(both)));
      java.util.Arrays.fill(pw, (byte) 0);
      java.util.Arrays.fill(both, (byte) 0);
    }
    AtomicFiles.write(
        file, Json.canonical(Map.of("auths", hosts)).getBytes(StandardCharsets.UTF_8), true);
  }

  private static @Nullable Path onPath(String name) {
    String path = System.getenv("PATH");
    for (String d : (path == null ? "/usr/bin:/bin" : path).split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Runs one buildah command; its output lines become events; a failure names its last lines. */
  private static String run(
      ImageBuild r, Path dir, List<String> cmd, Consumer<? super BuildEvent> listener)
      throws BuildException, InterruptedException, IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("LANG"));
    env.put("HOME", dir.toString());
    env.put("TMPDIR", dir.resolve("tmp").toString());
    env.put("BUILDAH_ISOLATION", "chroot");
    Process p = pb.start();
    StringBuilder all = new StringBuilder();
    Deque<String> last = new ArrayDeque<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                      synchronized (all) {
                        all.append(line).append('\n');
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
    boolean ended;
    try {
      ended = p.waitFor(r.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      // cancelled: buildah and what it started stop with the step, not after it
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw e;
    }
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      reader.join(5000);
      throw new BuildException(
          "buildah " + cmd.get(7) + " took longer than " + r.timeout(),
          "raise the build timeout or make the build smaller",
          Fix.of("build.timeout", "timeout", r.timeout().toString()));
    }
    reader.join(10_000);
    if (p.exitValue() != 0) {
      String tail;
      synchronized (all) {
        tail = String.join(" | ", last);
      }
      throw new BuildException(
          "buildah "
              + cmd.get(7)
              + " failed (exit "
              + p.exitValue()
              + "): "
              + Text.escape(tail.length() > 600 ? tail.substring(tail.length() - 600) : tail),
          "read the build log for the failing step",
          Fix.of("build.buildah.failed", "exit", Integer.toString(p.exitValue())));
    }
    synchronized (all) {
      return all.toString();
    }
  }
}
