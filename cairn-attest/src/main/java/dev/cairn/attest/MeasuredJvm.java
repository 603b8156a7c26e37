package dev.cairn.attest;

import dev.cairn.core.Digest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * Launches a Java workload as its own measured process in a TEE: what it loads is measured (every
 * jar and class directory of its class path, with the jars that manifests add, as {@code java -jar}
 * and {@code -cp} follow them), it inherits nothing from the environment that could load unmeasured
 * code ({@code JAVA_TOOL_OPTIONS} and the like), and it starts from a class-data archive that is
 * platform state named by its measurement (ADR 0004). The certify workload and the pipeline's
 * attested builder run this way.
 */
public final class MeasuredJvm {
  /** The only variables a workload gets from its parent's environment, besides those asked for. */
  public static final Set<String> BASE_ENVIRONMENT =
      Set.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR");

  private MeasuredJvm() {}

  /**
   * What a TEE measures for a workload with {@code classPath}: that class path closed over the
   * manifests' {@code Class-Path}, the check packs it runs and its command.
   */
  public static LaunchSpec spec(List<Path> classPath, Digest checkPack, List<String> command) {
    return new LaunchSpec(closure(classPath), checkPack, command, Map.of());
  }

  /** This process's class path, as the workload would get it. */
  public static List<Path> currentClassPath() {
    List<Path> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        out.add(Path.of(e));
      }
    }
    return out;
  }

  /** How to start one workload. */
  public record Launch(
      LaunchSpec spec,
      String mainClass,
      List<String> arguments,
      Set<String> passEnvironment,
      Map<String, String> environment,
      Path archiveDirectory) {
    public Launch {
      arguments = List.copyOf(arguments);
      passEnvironment = Set.copyOf(passEnvironment);
      environment = Map.copyOf(environment);
    }
  }

  /** Starts the workload in {@code tee}; its stderr goes to this process's stderr. */
  public static Running start(TeeProvider tee, Launch l) throws AttestationException {
    String javaBin =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb = new ProcessBuilder();
    Map<String, String> env = pb.environment();
    Set<String> keep = new HashSet<>(BASE_ENVIRONMENT);
    keep.addAll(l.passEnvironment());
    env.keySet().retainAll(keep);
    env.putAll(l.environment());
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-XX:+UseSerialGC"));
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    Digest measurement = tee.measure(l.spec());
    Path jsa = l.archiveDirectory().resolve(measurement.hex() + ".jsa");
    Path recording = null;
    if (Files.isRegularFile(jsa)) {
      cmd.add("-XX:SharedArchiveFile=" + jsa);
    } else if (privateDirectory(l.archiveDirectory())) {
      recording =
          jsa.resolveSibling(jsa.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      cmd.add("-XX:ArchiveClassesAtExit=" + recording);
    }
    cmd.addAll(List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, l.spec().code().stream().map(Path::toString).toList()));
    cmd.add(l.mainClass());
    cmd.addAll(l.arguments());
    TeeProvider.Launched launched =
        tee.launch(l.spec(), pb.command(cmd).redirectError(ProcessBuilder.Redirect.INHERIT));
    return new Running(launched.process(), launched.measurement(), jsa, recording);
  }

  /** A started workload. */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final Digest measurement;
    private final Path archive;
    private final @Nullable Path recording;
    private boolean finished;

    Running(Process process, Digest measurement, Path archive, @Nullable Path recording) {
      this.process = process;
      this.measurement = measurement;
      this.archive = archive;
      this.recording = recording;
    }

    public Process process() {
      return process;
    }

    /** What the TEE measured at launch. */
    public Digest measurement() {
      return measurement;
    }

    /**
     * Writes {@code line} (one JSON message of the parent's protocol: never a secret) to the
     * workload's stdin and closes it.
     *
     * @throws IOException when the workload is gone
     */
    public void tell(String line) throws IOException {
      java.io.OutputStream to = process.getOutputStream();
      to.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      to.flush();
      to.close();
    }

    /**
     * The workload's result: the first line of its stdout that starts with {@code {}, or empty
     * when it ended without one (it exits by itself right after printing it).
     */
    public java.util.Optional<String> resultLine() throws IOException, InterruptedException {
      return resultLine(line -> {});
    }

    /**
     * As {@link #resultLine()}, handing every other line before the result to {@code others} (a
     * workload's log).
     */
    public java.util.Optional<String> resultLine(java.util.function.Consumer<String> others)
        throws IOException, InterruptedException {
      java.io.BufferedReader r =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("{")) {
          return java.util.Optional.of(line);
        }
        others.accept(line);
      }
      process.waitFor();
      return java.util.Optional.empty();
    }

    /**
     * Waits for the workload to exit and keeps the class-data archive it recorded when {@code
     * worked} (an archive is recorded only by a run that did its work), or drops it.
     */
    public void finish(boolean worked) {
      if (finished) {
        return;
      }
      finished = true;
      try {
        boolean exited = process.waitFor(30, TimeUnit.SECONDS);
        if (recording == null) {
          if (!exited) {
            process.destroyForcibly();
          }
          return;
        }
        if (worked && exited && Files.isRegularFile(recording)) {
          Files.move(
              recording,
              archive,
              StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } else {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          Files.deleteIfExists(recording);
        }
      } catch (IOException e) {
        // only costs start-up time next run
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Never leaves the workload running: kills it if it still is, dropping its archive. */
    @Override
    public void close() {
      if (!finished && process.isAlive()) {
        process.destroyForcibly();
      }
      finish(false);
    }
  }

  private static List<Path> closure(List<Path> classPath) {
    LinkedHashSet<Path> code = new LinkedHashSet<>();
    ArrayDeque<Path> todo = new ArrayDeque<>();
    for (Path p : classPath) {
      todo.add(p.toAbsolutePath().normalize());
    }
    while (!todo.isEmpty()) {
      Path p = todo.poll();
      if (!(Files.isRegularFile(p) || Files.isDirectory(p)) || !code.add(p)) {
        continue;
      }
      if (Files.isRegularFile(p)) {
        todo.addAll(manifestClassPath(p));
      }
    }
    return new ArrayList<>(code);
  }

  /** The jars a jar's manifest adds to the class path, resolved against the jar's directory. */
  private static List<Path> manifestClassPath(Path jar) {
    List<Path> out = new ArrayList<>();
    try (JarFile j = new JarFile(jar.toFile(), false)) {
      Manifest m = j.getManifest();
      String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      Path dir = jar.getParent();
      if (cp != null && dir != null) {
        for (String entry : cp.trim().split("\\s+")) {
          if (!entry.isEmpty()) {
            out.add(dir.resolve(entry).toAbsolutePath().normalize());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a jar (or unreadable): it is measured as a file, and adds nothing
    }
    return out;
  }

  /** Creates {@code dir} readable by its owner only; false where that can't be had. */
  private static boolean privateDirectory(Path dir) {
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      return Files.getPosixFilePermissions(dir)
          .equals(PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
