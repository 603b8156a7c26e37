package dev.cairn.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs a Debian package the demo or a local tool needs when the file it provides is missing:
 * {@code apt-get install -y -q}, and again after {@code apt-get update} if that fails (a fresh
 * machine has no package lists). Quiet: apt's output goes to a temporary file, shown only in the
 * error when the install fails.
 */
public final class DebianPackages {
  private static final Object LOCK = new Object();

  private DebianPackages() {}

  /**
   * Makes sure {@code provides} exists, installing {@code pkg} if it does not.
   *
   * @throws CairnException when apt-get is missing or fails, naming the package
   */
  public static void ensure(String pkg, Path provides) throws CairnException {
    synchronized (LOCK) {
      if (Files.exists(provides)) {
        return;
      }
      String out = apt("install", "-y", "-q", pkg);
      if (out != null) {
        apt("update", "-q");
        out = apt("install", "-y", "-q", pkg);
      }
      if (out != null || !Files.exists(provides)) {
        throw new CairnException(
            "cannot install Debian's "
                + pkg
                + " (for "
                + provides
                + ")"
                + (out == null || out.isBlank() ? "" : ": " + Text.escape(lastLine(out))),
            "install it yourself, as root: apt-get install " + pkg);
      }
    }
  }

  /** Runs apt-get; null when it worked, else what it said. */
  private static @org.jspecify.annotations.Nullable String apt(String... args)
      throws CairnException {
    List<String> cmd = new ArrayList<>(List.of("apt-get"));
    cmd.addAll(List.of(args));
    Path log = null;
    try {
      log = Files.createTempFile("cairn-apt-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return "apt-get " + String.join(" ", args) + " took longer than 15 minutes";
      }
      return p.exitValue() == 0 ? null : Files.readString(log);
    } catch (IOException e) {
      return "apt-get cannot run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException("interrupted installing " + String.join(" ", args), null, e);
    } finally {
      if (log != null) {
        try {
          Files.deleteIfExists(log);
        } catch (IOException e) {
          // a temporary file left behind
        }
      }
    }
  }

  private static String lastLine(String s) {
    String[] lines = s.strip().split("\n");
    return lines[lines.length - 1];
  }
}
