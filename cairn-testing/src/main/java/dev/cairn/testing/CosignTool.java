package dev.cairn.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * cosign, the reference verifier for image signatures and attestations, built once from the Go
 * module proxy by {@code scripts/cosign-tool} into {@code ~/.cache/cairn/tools} and reused.
 */
public final class CosignTool {
  private static final Object LOCK = new Object();
  private static volatile @Nullable Path binary;

  private CosignTool() {}

  /** The cosign binary, built first if the cache has none (minutes on a cold machine). */
  public static Path binary() throws IOException {
    synchronized (LOCK) {
      Path b = binary;
      if (b != null) {
        return b;
      }
      Path script = script();
      Result r = run(List.of(script.toString()), Path.of("."), 30, false, java.util.Map.of());
      if (r.exitCode() != 0) {
        throw new IOException("scripts/cosign-tool failed: " + r.output());
      }
      b = Path.of(r.output().strip().lines().reduce((x, y) -> y).orElse(""));
      if (!Files.isExecutable(b)) {
        throw new IOException("scripts/cosign-tool printed no binary: " + r.output());
      }
      binary = b;
      return b;
    }
  }

  /** What a command printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {}

  /** Runs cosign with {@code args} in {@code dir}, with no Sigstore network defaults in reach. */
  public static Result cosign(Path dir, String... args) throws IOException {
    return cosign(dir, java.util.Map.of(), args);
  }

  /**
   * As {@link #cosign(Path, String...)} with extra environment, e.g. {@code SSL_CERT_FILE} for a
   * registry's private CA. Registry credentials go in {@code dir/.docker/config.json}.
   */
  public static Result cosign(Path dir, java.util.Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(List.of(args));
    return run(cmd, dir, 5, true, env);
  }

  static Result run(
      List<String> cmd, Path dir, int minutes, boolean isolate, java.util.Map<String, String> env)
      throws IOException {
    Path log = Files.createTempFile("cairn-cosign-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    if (isolate) {
      // keep cosign off the public Sigstore's TUF root and any user's registry credentials
      pb.environment().put("TUF_ROOT", dir.resolve(".sigstore-tuf").toString());
      pb.environment().put("HOME", dir.toString());
      pb.environment().put("DOCKER_CONFIG", dir.resolve(".docker").toString());
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after " + minutes + " min: " + String.join(" ", cmd));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new Result(p.exitValue(), out);
  }

  static Path script() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path s = p.resolve("scripts/cosign-tool");
      if (Files.isExecutable(s)) {
        return s;
      }
    }
    throw new IllegalStateException(
        "scripts/cosign-tool not found above " + Path.of("").toAbsolutePath());
  }
}
