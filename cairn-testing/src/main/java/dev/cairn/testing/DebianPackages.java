package dev.cairn.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs a Debian package for a test or a benchmark when the file it provides is missing: {@code
 * apt-get install -y -q}, after {@code apt-get update} when the first try fails (a fresh machine
 * has no package lists). Idempotent.
 */
public final class DebianPackages {
  private DebianPackages() {}

  /** Makes sure {@code provides} exists, installing {@code pkg} when it does not. */
  public static synchronized void ensure(String pkg, Path provides) throws IOException {
    if (Files.exists(provides)) {
      return;
    }
    List<String> install =
        List.of(
            "apt-get",
            "install",
            "-y",
            "-q",
            "-o",
            "DPkg::Lock::Timeout=300",
            "--no-install-recommends",
            pkg);
    if (run(install) != 0) {
      run(List.of("apt-get", "update", "-q"));
      if (run(install) != 0) {
        throw new IOException(
            "cannot install "
                + pkg
                + " with apt-get (are you root, is Debian's archive reachable?)");
      }
    }
    if (!Files.exists(provides)) {
      throw new IOException("apt-get installed " + pkg + " but " + provides + " is missing");
    }
  }

  private static int run(List<String> cmd) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    try {
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", cmd), e);
    }
  }
}
