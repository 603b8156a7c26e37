package dev.cairn.pipeline.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A small git forge on 127.0.0.1 for the demo and for trying the pipeline on one machine: bare
 * repositories under a directory served over git's smart HTTP (Debian's {@code git http-backend}
 * behind the JDK's HTTP server, anonymous and read-only), commits made into them, and the
 * GitHub-style signed push webhook a forge would send for each. Not a forge for real use: no users,
 * no TLS.
 */
public final class LocalForge implements AutoCloseable {
  /** Debian's git smart-HTTP CGI program (package {@code git}). */
  public static final Path BACKEND = Path.of("/usr/lib/git-core/git-http-backend");

  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Clock clock;

  /**
   * A push the forge made: what its webhook says.
   *
   * @param name the repository's name
   * @param cloneUrl its HTTP URL
   * @param before the branch's previous commit (all zeros for the first)
   * @param commit the pushed commit
   * @param paths the paths the commit changed
   */
  public record Push(
      String name, String cloneUrl, String before, String commit, List<String> paths) {
    public Push {
      paths = List.copyOf(paths);
    }
  }

  /**
   * A webhook as a forge sends it: its headers and its exact body.
   *
   * @param headers {@code X-GitHub-Event}, {@code X-GitHub-Delivery}, {@code X-Hub-Signature-256}
   *     and {@code Content-Type}
   * @param body the JSON payload's bytes, which the signature covers
   */
  public record Webhook(Map<String, String> headers, byte[] body) {
    public Webhook {
      headers = Map.copyOf(headers);
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private LocalForge(Path root, HttpServer server, Clock clock) {
    this.root = root;
    this.server = server;
    this.clock = clock;
  }

  /**
   * Serves the repositories under {@code root} (made there by {@link #commit}).
   *
   * @throws CheckoutException when git's HTTP backend is not installed or no port can be had
   */
  public static LocalForge start(Path root, Clock clock) throws CheckoutException {
    if (!Files.isExecutable(BACKEND)) {
      throw new CheckoutException(
          BACKEND + " is missing: the local forge serves repositories with git's HTTP backend",
          "install Debian's git package (apt-get install git)",
          null,
          null);
    }
    try {
      Files.createDirectories(root.resolve("srv"));
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      LocalForge f = new LocalForge(root, s, clock);
      s.createContext("/", f::handle);
      s.setExecutor(f.executor);
      s.start();
      return f;
    } catch (IOException e) {
      throw new CheckoutException(
          "cannot start the local forge in " + root + ": " + e.getMessage(),
          "check that the directory is writable",
          null,
          e);
    }
  }

  /** The HTTP URL of repository {@code name} ({@code http://127.0.0.1:PORT/NAME.git}). */
  public String cloneUrl(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + ".git";
  }

  /**
   * Writes {@code files} (path to UTF-8 text) into repository {@code name}'s work tree, commits
   * everything, and pushes it to the served repository's {@code main} branch; the repository is
   * made on first use.
   */
  public Push commit(String name, Map<String, String> files, String message)
      throws CheckoutException {
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("not a repository name: " + name);
    }
    Path bare = root.resolve("srv").resolve(name + ".git");
    Path work = root.resolve("work").resolve(name);
    try {
      if (!Files.isDirectory(bare)) {
        Git.init()
            .setBare(true)
            .setDirectory(bare.toFile())
            .setInitialBranch("main")
            .call()
            .close();
      }
      boolean fresh = !Files.isDirectory(work.resolve(".git"));
      try (Git git =
          fresh
              ? Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()
              : Git.open(work.toFile())) {
        String before =
            fresh || git.getRepository().resolve("HEAD") == null
                ? "0".repeat(40)
                : git.getRepository().resolve("HEAD").name();
        for (Map.Entry<String, String> f : files.entrySet()) {
          Path p = work.resolve(f.getKey()).normalize();
          if (!p.startsWith(work)) {
            throw new IllegalArgumentException("a path outside the repository: " + f.getKey());
          }
          Files.createDirectories(p.getParent());
          Files.writeString(p, f.getValue());
        }
        git.add().addFilepattern(".").call();
        String commit =
            git.commit()
                .setMessage(message)
                .setAuthor("Cairn demo", "demo@cairn.invalid")
                .setCommitter("Cairn demo", "demo@cairn.invalid")
                .setSign(false)
                .call()
                .getName();
        git.push()
            .setRemote(bare.toUri().toString())
            .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
            .call();
        return new Push(name, cloneUrl(name), before, commit, List.copyOf(files.keySet()));
      }
    } catch (IOException | GitAPIException e) {
      throw new CheckoutException(
          "cannot commit to the local forge's " + name + ": " + e.getMessage(),
          "check that " + root + " is writable",
          null,
          e);
    }
  }

  /**
   * The GitHub push webhook for {@code push}, signed with {@code secret} ({@code
   * X-Hub-Signature-256}, HMAC-SHA256 over the body) under a fresh delivery id.
   */
  public Webhook githubWebhook(Push push, Secret secret) {
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("id", push.commit());
    head.put("message", "demo");
    head.put("added", push.paths());
    head.put("removed", List.of());
    head.put("modified", List.of());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ref", "refs/heads/main");
    p.put("before", push.before());
    p.put("after", push.commit());
    p.put("created", push.before().equals("0".repeat(40)));
    p.put("deleted", false);
    p.put("commits", List.of(head));
    p.put("head_commit", head);
    p.put(
        "repository",
        Map.of(
            "name", push.name(),
            "full_name", "demo/" + push.name(),
            "clone_url", push.cloneUrl(),
            "pushed_at", clock.instant().getEpochSecond()));
    p.put("pusher", Map.of("name", "demo"));
    byte[] body = Json.canonical(p).getBytes(StandardCharsets.UTF_8);
    return new Webhook(
        Map.of(
            "X-GitHub-Event",
            "push",
            "X-GitHub-Delivery",
            UUID.randomUUID().toString(),
            "X-Hub-Signature-256",
            "sha256=" + hmac(secret, body),
            "Content-Type",
            "application/json"),
        body);
  }

  private static String hmac(Secret secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.bytes(), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET")
          && !ex.getRequestURI().getRawPath().endsWith("/git-upload-pack")) {
        ex.sendResponseHeaders(403, -1); // read-only: no pushes over HTTP
        return;
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      ProcessBuilder pb = new ProcessBuilder(BACKEND.toString());
      Map<String, String> env = pb.environment();
      env.clear();
      env.put("PATH", "/usr/bin:/bin");
      env.put("GIT_PROJECT_ROOT", root.resolve("srv").toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("REQUEST_METHOD", ex.getRequestMethod());
      env.put("PATH_INFO", ex.getRequestURI().getRawPath());
      String q = ex.getRequestURI().getRawQuery();
      env.put("QUERY_STRING", q == null ? "" : q);
      env.put("REMOTE_ADDR", "127.0.0.1");
      env.put("CONTENT_LENGTH", Integer.toString(body.length));
      for (String[] h :
          List.of(
              new String[] {"Content-Type", "CONTENT_TYPE"},
              new String[] {"Content-Encoding", "HTTP_CONTENT_ENCODING"},
              new String[] {"Git-Protocol", "GIT_PROTOCOL"})) {
        String v = ex.getRequestHeaders().getFirst(h[0]);
        if (v != null) {
          env.put(h[1], v);
        }
      }
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (OutputStream in = p.getOutputStream()) {
                      in.write(body);
                    } catch (IOException ignored) {
                      // the backend may stop reading early; its answer says why
                    }
                  });
      byte[] out;
      try (InputStream o = p.getInputStream()) {
        out = o.readAllBytes();
      }
      try {
        writer.join();
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      respond(ex, out);
    }
  }

  /** Copies a CGI answer (headers, a blank line, the body) into the HTTP response. */
  private static void respond(HttpExchange ex, byte[] cgi) throws IOException {
    int i = 0;
    int status = 200;
    List<String[]> headers = new ArrayList<>();
    while (i < cgi.length) {
      int eol = i;
      while (eol < cgi.length && cgi[eol] != '\n') {
        eol++;
      }
      String line = new String(cgi, i, eol - i, StandardCharsets.ISO_8859_1).strip();
      i = eol + 1;
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        headers.add(new String[] {name, value});
      }
    }
    headers.forEach(h -> ex.getResponseHeaders().add(h[0], h[1]));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int from = Math.min(i, cgi.length);
    b.write(cgi, from, cgi.length - from);
    byte[] payload = b.toByteArray();
    ex.sendResponseHeaders(status, payload.length == 0 ? -1 : payload.length);
    if (payload.length > 0) {
      ex.getResponseBody().write(payload);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
