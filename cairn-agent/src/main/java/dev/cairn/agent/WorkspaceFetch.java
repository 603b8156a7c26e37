package dev.cairn.agent;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.core.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The workspace of a pipeline step that runs as a Kubernetes Job: fetched by the Job's init
 * container from the executor that started it, checked against the digest the Job names, and
 * unpacked into the volume the step's own container works in. Configured by the environment:
 *
 * <ul>
 *   <li>{@code CAIRN_WORKSPACE_URL}: where the executor serves the archive;
 *   <li>{@code CAIRN_WORKSPACE_TOKEN}: the one-time bearer token it wants (from the Job's Secret);
 *   <li>{@code CAIRN_WORKSPACE_SHA256}: the archive's SHA-256, hex;
 *   <li>{@code CAIRN_WORKSPACE_DIR} (default {@value #DEFAULT_DIR}): where to unpack it;
 *   <li>{@code CAIRN_WORKSPACE_MAX} (bytes, default 2 GiB): the most it may hold.
 * </ul>
 */
public final class WorkspaceFetch {
  /** Where the workspace goes unless {@code CAIRN_WORKSPACE_DIR} says otherwise. */
  public static final String DEFAULT_DIR = "/workspace";

  /** The agent's first argument that selects this mode. */
  public static final String MODE = "fetch-workspace";

  /**
   * The configuration.
   *
   * @param url the archive's URL
   * @param token the bearer token
   * @param sha256 the archive's SHA-256 (hex)
   * @param dir where to unpack it
   * @param maxBytes the most content it may hold
   */
  public record Config(URI url, Secret token, String sha256, Path dir, long maxBytes) {
    public static Config fromEnv(Map<String, String> env) throws CairnException {
      String url = required(env, "CAIRN_WORKSPACE_URL");
      URI u;
      try {
        u = new URI(url);
      } catch (java.net.URISyntaxException e) {
        throw new CairnException(
            "CAIRN_WORKSPACE_URL is not a URL: " + url,
            "run the agent in this mode only from the Kubernetes Job executor, which sets it");
      }
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new CairnException(
            "CAIRN_WORKSPACE_URL is not an http(s) URL: " + url,
            "run the agent in this mode only from the Kubernetes Job executor, which sets it");
      }
      String sha = required(env, "CAIRN_WORKSPACE_SHA256").toLowerCase(java.util.Locale.ROOT);
      if (!sha.matches("[0-9a-f]{64}")) {
        throw new CairnException(
            "CAIRN_WORKSPACE_SHA256 is not a hex SHA-256",
            "run the agent in this mode only from the Kubernetes Job executor, which sets it");
      }
      long max;
      try {
        max = Long.parseLong(env.getOrDefault("CAIRN_WORKSPACE_MAX", "2147483648").strip());
      } catch (NumberFormatException e) {
        throw new CairnException(
            "CAIRN_WORKSPACE_MAX is not a number of bytes", "set it to e.g. 2147483648");
      }
      return new Config(
          u,
          Secret.of(required(env, "CAIRN_WORKSPACE_TOKEN").getBytes(StandardCharsets.UTF_8)),
          sha,
          Path.of(env.getOrDefault("CAIRN_WORKSPACE_DIR", DEFAULT_DIR)),
          max);
    }

    private static String required(Map<String, String> env, String name) throws CairnException {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        throw new CairnException(
            name + " is not set", "set it in the init container's environment (the executor does)");
      }
      return v.strip();
    }
  }

  private WorkspaceFetch() {}

  /**
   * Fetches, checks and unpacks the workspace, retrying an unreachable executor until {@code
   * timeout}.
   *
   * @return the number of files unpacked
   */
  public static long run(Config c, Duration timeout, PrintStream log)
      throws CairnException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long wait = 200;
    Path archive;
    while (true) {
      try {
        archive = download(c);
        break;
      } catch (IOException e) {
        if (System.nanoTime() + wait * 1_000_000 > deadline) {
          throw new CairnException(
              "cannot fetch the workspace from " + c.url().getHost() + ": " + e.getMessage(),
              "give the executor an address the node's pods reach (--jobs-address)",
              e);
        }
        log.println("cairn-agent: cannot fetch the workspace yet (" + e.getMessage() + ")");
        Thread.sleep(wait);
        wait = Math.min(wait * 2, 5_000);
      }
    }
    try {
      long files;
      try (InputStream in = Files.newInputStream(archive)) {
        files = TarReader.extract(in, c.dir(), c.maxBytes());
      }
      log.println("cairn-agent: workspace unpacked: " + files + " file(s) in " + c.dir());
      return files;
    } catch (IOException e) {
      throw new CairnException(
          "cannot unpack the workspace into " + c.dir() + ": " + e.getMessage(),
          "mount a writable volume there (an emptyDir)",
          e);
    } finally {
      try {
        Files.deleteIfExists(archive);
      } catch (IOException e) {
        // a temporary file in the container's own filesystem: gone with it
      }
    }
  }

  private static Path download(Config c) throws IOException, CairnException {
    HttpURLConnection conn = (HttpURLConnection) c.url().toURL().openConnection();
    conn.setConnectTimeout(5_000);
    conn.setReadTimeout(120_000);
    byte[] t = c.token().bytes();
    try {
      conn.setRequestProperty("Authorization", "Bearer " + new String(t, StandardCharsets.UTF_8));
    } finally {
      java.util.Arrays.fill(t, (byte) 0);
    }
    int status = conn.getResponseCode();
    if (status == 401 || status == 403 || status == 404 || status == 410) {
      throw new CairnException(
          "the executor refused the workspace (HTTP " + status + ")",
          "rerun the step: the Job's token is used once and expires with its step");
    }
    if (status != 200) {
      throw new IOException("HTTP " + status);
    }
    Path tmp = Files.createTempFile("cairn-workspace-", ".tar");
    MessageDigest sha = Digest.newSha256();
    try (InputStream in = conn.getInputStream();
        OutputStream out = new java.security.DigestOutputStream(Files.newOutputStream(tmp), sha)) {
      long n = 0;
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) >= 0; ) {
        n += r;
        if (n > c.maxBytes() + (c.maxBytes() >> 2) + (1 << 20)) {
          throw new CairnException(
              "the workspace archive is larger than CAIRN_WORKSPACE_MAX allows", null);
        }
        out.write(buf, 0, r);
      }
    } catch (IOException | CairnException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    String got = HexFormat.of().formatHex(sha.digest());
    if (!got.equals(c.sha256())) {
      Files.deleteIfExists(tmp);
      throw new CairnException(
          "the workspace archive's SHA-256 is "
              + got
              + ", not the "
              + c.sha256()
              + " the Job names",
          "check what stands between the executor and this pod: it changed the archive");
    }
    return tmp;
  }
}
