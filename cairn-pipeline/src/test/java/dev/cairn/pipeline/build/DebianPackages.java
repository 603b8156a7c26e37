package dev.cairn.pipeline.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Installs a Debian package for a test when the file it provides is missing (idempotent). */
final class DebianPackages {
  private DebianPackages() {}

  static synchronized void ensure(String pkg, Path provides)
      throws IOException, InterruptedException {
    if (Files.exists(provides)) {
      return;
    }
    run(List.of("apt-get", "update", "-q"));
    run(
        List.of(
            "apt-get",
            "install",
            "-y",
            "-q",
            "-o",
            "DPkg::Lock::Timeout=300",
            "--no-install-recommends",
            pkg));
    if (!Files.exists(provides)) {
      throw new IllegalStateException("apt-get install " + pkg + " did not provide " + provides);
    }
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " failed");
    }
  }
}
