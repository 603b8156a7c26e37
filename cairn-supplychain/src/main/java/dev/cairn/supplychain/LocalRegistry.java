package dev.cairn.supplychain;

import dev.cairn.core.CairnException;
import dev.cairn.core.Text;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local OCI registry for the demo and for trying Cairn on one machine: Debian's {@code
 * docker-registry} (distribution 2.8) on 127.0.0.1, plain HTTP, its blobs in a directory of the
 * caller's. Installed with {@code apt-get} when missing. Not for production: no TLS, no users. Stop
 * it with {@link #close()}.
 */
public final class LocalRegistry implements AutoCloseable {
  /** Where Debian installs the registry. */
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private static final Object INSTALL_LOCK = new Object();

  private final Process process;
  private final int port;
  private final Path log;

  private LocalRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts a registry keeping its data in {@code dir/data} (its config and log in {@code dir}),
   * installing {@code docker-registry} first when it is missing.
   *
   * @throws CairnException when it cannot be installed or does not come up within 30 s
   */
  public static LocalRegistry start(Path dir) throws CairnException {
    try {
      ensureInstalled();
      Files.createDirectories(dir.resolve("data"));
      Path log = dir.resolve("registry.log");
      CairnException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        Path cfg = dir.resolve("config.yml");
        Files.writeString(
            cfg,
            "version: 0.1\n"
                + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
                + "storage:\n  filesystem:\n    rootdirectory: "
                + dir.resolve("data").toAbsolutePath()
                + "\n  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:"
                + port
                + "\n  secret: "
                + HexFormat.of().formatHex(secret)
                + "\n");
        Process p =
            new ProcessBuilder(BINARY.toString(), "serve", cfg.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        LocalRegistry r = new LocalRegistry(p, port, log);
        try {
          r.awaitReady();
          return r;
        } catch (CairnException e) {
          r.close();
          last = e;
        }
      }
      throw java.util.Objects.requireNonNull(last);
    } catch (IOException e) {
      throw new CairnException(
          "cannot start a local registry in " + dir + ": " + Text.describe(e),
          "check that the directory is writable",
          e);
    }
  }

  /** {@code 127.0.0.1:PORT}, the registry part of image names. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The registry's base URL ({@code http://127.0.0.1:PORT}). */
  public URI uri() {
    return URI.create("http://" + address());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() throws CairnException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end && process.isAlive()) {
      try {
        HttpURLConnection c = (HttpURLConnection) uri().resolve("/v2/").toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        int status = c.getResponseCode();
        c.disconnect();
        if (status == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CairnException("interrupted starting the local registry", null, e);
      }
    }
    throw new CairnException(
        "the local registry did not come up on " + address() + ": " + tail(),
        "see " + log + " for what docker-registry said",
        null);
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return lines.isEmpty() ? "(no output)" : Text.escape(lines.getLast());
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Installs Debian's {@code docker-registry} when it is missing: {@code apt-get install -y -q},
   * and again after {@code apt-get update} if that fails (a fresh machine has no package lists).
   */
  static void ensureInstalled() throws CairnException {
    synchronized (INSTALL_LOCK) {
      if (Files.isExecutable(BINARY)) {
        return;
      }
      if (apt("install", "-y", "-q", "docker-registry") != 0) {
        apt("update", "-q");
        if (apt("install", "-y", "-q", "docker-registry") != 0) {
          throw new CairnException(
              "cannot install docker-registry with apt-get",
              "install Debian's docker-registry package (as root: apt-get install docker-registry)",
              null);
        }
      }
      if (!Files.isExecutable(BINARY)) {
        throw new CairnException(
            "apt-get installed docker-registry but " + BINARY + " is missing",
            "reinstall the docker-registry package",
            null);
      }
    }
  }

  private static int apt(String... args) throws CairnException {
    try {
      Path out = Files.createTempFile("cairn-apt-", ".log");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(
                    java.util.stream.Stream.concat(
                            java.util.stream.Stream.of("apt-get"), java.util.Arrays.stream(args))
                        .toList())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          return -1;
        }
        return p.exitValue();
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return -1; // no apt-get: said by the caller
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException("interrupted installing docker-registry", null, e);
    }
  }
}
