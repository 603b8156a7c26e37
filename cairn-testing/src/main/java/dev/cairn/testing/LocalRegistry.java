package dev.cairn.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OCI registry on 127.0.0.1 for a test class: Debian's {@code docker-registry} (docker
 * distribution 2.8), installed with {@code apt-get} when missing, started on a free port from a
 * config file of its own and stopped after the class. Four modes:
 *
 * <ul>
 *   <li>{@link #plain()}: plain HTTP, no authentication;
 *   <li>{@link #tlsBasic()}: TLS with a self-signed certificate ({@link #caCertificate()}) and HTTP
 *       basic authentication from a bcrypt htpasswd file ({@link #username()}, {@link
 *       #password()});
 *   <li>{@link #referrersApi()}: a registry that serves the OCI 1.1 referrers API, which
 *       docker-registry 2.8 lacks: go-containerregistry's registry (the one behind {@code crane
 *       registry serve}) with its referrers support on, built from the Go module proxy by {@code
 *       scripts/referrers-registry} into {@code ~/.cache/cairn/tools}; plain HTTP, no
 *       authentication, blobs and manifests in memory. It lists referrers but does not answer
 *       {@code OCI-Subject} when a manifest with a subject is put;
 *   <li>{@link #tlsToken()}: TLS and bearer tokens ({@code auth.token}): the registry sends clients
 *       to a token service this fixture runs on 127.0.0.1, which checks the same username and
 *       password and issues JWTs signed by a key whose certificate is the registry's {@code
 *       rootcertbundle}.
 * </ul>
 *
 * <pre>{@code @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.tlsBasic();}
 * </pre>
 */
public final class LocalRegistry implements BeforeAllCallback, AfterAllCallback {
  /** How the registry is served. */
  public enum Mode {
    PLAIN,
    TLS_BASIC,
    TLS_TOKEN,
    /** go-containerregistry's registry with the referrers API; plain HTTP. */
    REFERRERS_API
  }

  static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Object INSTALL_LOCK = new Object();

  private final Mode mode;
  private final String username = "cairn";
  private final String password = TestPki.randomPassword();
  private @Nullable Path dir;
  private @Nullable Process process;
  private @Nullable RegistryTokenService tokens;
  private @Nullable Thread hook;
  private int port;

  private LocalRegistry(Mode mode) {
    this.mode = mode;
  }

  public static LocalRegistry plain() {
    return new LocalRegistry(Mode.PLAIN);
  }

  public static LocalRegistry tlsBasic() {
    return new LocalRegistry(Mode.TLS_BASIC);
  }

  public static LocalRegistry tlsToken() {
    return new LocalRegistry(Mode.TLS_TOKEN);
  }

  /** A registry with the OCI 1.1 referrers API (go-containerregistry's), plain HTTP. */
  public static LocalRegistry referrersApi() {
    return new LocalRegistry(Mode.REFERRERS_API);
  }

  public Mode mode() {
    return mode;
  }

  /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** {@code http://} or {@code https://} and the address. */
  public URI baseUri() {
    return URI.create((plainHttp() ? "http://" : "https://") + address());
  }

  /** The PEM certificate clients must trust (TLS modes only). */
  public Path caCertificate() {
    if (plainHttp()) {
      throw new IllegalStateException("a plain-HTTP registry has no certificate");
    }
    return dir().resolve("tls.crt");
  }

  /** Whether the registry serves plain HTTP (no TLS, no authentication). */
  public boolean plainHttp() {
    return mode == Mode.PLAIN || mode == Mode.REFERRERS_API;
  }

  public String username() {
    return username;
  }

  /** The password of {@link #username()} (random per fixture). */
  public String password() {
    return password;
  }

  /** Tokens the token service issued so far (token mode), to show a client took that path. */
  public int tokensIssued() {
    RegistryTokenService t = tokens;
    return t == null ? 0 : t.tokensIssued();
  }

  /** The registry's own log (for failure messages). */
  public Path log() {
    return dir().resolve("registry.log");
  }

  private Path dir() {
    Path d = dir;
    if (d == null) {
      throw new IllegalStateException("the registry is not started");
    }
    return d;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start(Files.createTempDirectory("cairn-registry-"));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Starts the registry with its files in {@code workDir}; for use outside JUnit too. */
  public void start(Path workDir) throws IOException {
    if (mode == Mode.REFERRERS_API) {
      startReferrersRegistry(workDir);
      return;
    }
    ensureInstalled();
    this.dir = workDir;
    Files.createDirectories(workDir.resolve("data"));
    StringBuilder auth = new StringBuilder();
    String tls = "";
    if (mode != Mode.PLAIN) {
      TestPki.Issued server = TestPki.selfSigned("cairn-test-registry");
      TestPki.writePem(workDir.resolve("tls.crt"), server.certificate());
      TestPki.writePem(workDir.resolve("tls.key"), server.keys().getPrivate());
      tls =
          "  tls:\n    certificate: "
              + workDir.resolve("tls.crt")
              + "\n    key: "
              + workDir.resolve("tls.key")
              + "\n";
      if (mode == Mode.TLS_BASIC) {
        Path htpasswd = workDir.resolve("htpasswd");
        Files.writeString(htpasswd, TestPki.htpasswdLine(username, password));
        TestPki.setOwnerOnly(htpasswd);
        auth.append("auth:\n  htpasswd:\n    realm: cairn-test\n    path: ")
            .append(htpasswd)
            .append('\n');
      } else {
        TestPki.Issued signer = TestPki.selfSigned("cairn-test-token-signer");
        TestPki.writePem(workDir.resolve("token-root.crt"), signer.certificate());
        RegistryTokenService t = new RegistryTokenService(server, signer, username, password);
        tokens = t;
        auth.append("auth:\n  token:\n    realm: ")
            .append(t.realm())
            .append("\n    service: ")
            .append(RegistryTokenService.SERVICE)
            .append("\n    issuer: ")
            .append(RegistryTokenService.ISSUER)
            .append("\n    rootcertbundle: ")
            .append(workDir.resolve("token-root.crt"))
            .append('\n');
      }
    }
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = freePort();
      String config =
          "version: 0.1\n"
              + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
              + "storage:\n  filesystem:\n    rootdirectory: "
              + workDir.resolve("data")
              + "\n  delete:\n    enabled: true\n"
              + "http:\n  addr: 127.0.0.1:"
              + port
              + "\n  secret: "
              + TestPki.randomPassword()
              + "\n"
              + tls
              + auth;
      Path cfg = workDir.resolve("config.yml");
      Files.writeString(cfg, config);
      TestPki.setOwnerOnly(cfg);
      ProcessBuilder pb =
          new ProcessBuilder(BINARY.toString(), "serve", cfg.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
      Process p = pb.start();
      process = p;
      if (hook == null) {
        Thread h = new Thread(this::stop, "cairn-local-registry-stop");
        Runtime.getRuntime().addShutdownHook(h);
        hook = h;
      }
      try {
        awaitReady(p);
        return;
      } catch (IOException e) {
        last = e;
        p.destroyForcibly();
      }
    }
    throw last;
  }

  /** Builds (once) and starts go-containerregistry's registry; it picks its own port. */
  private void startReferrersRegistry(Path workDir) throws IOException {
    this.dir = workDir;
    Path binary = referrersRegistryBinary();
    Path addressFile = workDir.resolve("address");
    Files.deleteIfExists(addressFile);
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "-address",
                "127.0.0.1:0",
                "-address-file",
                addressFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
    process = p;
    if (hook == null) {
      Thread h = new Thread(this::stop, "cairn-local-registry-stop");
      Runtime.getRuntime().addShutdownHook(h);
      hook = h;
    }
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !p.isAlive() || Files.exists(addressFile));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      p.destroyForcibly();
      throw new IOException("the referrers registry wrote no address:\n" + tail(), e);
    }
    if (!p.isAlive()) {
      throw new IOException("the referrers registry exited at start:\n" + tail());
    }
    String address = Files.readString(addressFile, StandardCharsets.UTF_8).strip();
    port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    awaitReady(p);
  }

  private static final Object BUILD_LOCK = new Object();

  /**
   * The binary {@code scripts/referrers-registry} builds into {@code ~/.cache/cairn/tools} (seconds
   * with a warm Go module cache, minutes cold).
   */
  static Path referrersRegistryBinary() throws IOException {
    synchronized (BUILD_LOCK) {
      Path script = null;
      for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
        Path s = d.resolve("scripts/referrers-registry");
        if (Files.isExecutable(s)) {
          script = s;
          break;
        }
      }
      if (script == null) {
        throw new IOException(
            "scripts/referrers-registry not found above " + Path.of("").toAbsolutePath());
      }
      Path out = Files.createTempFile("cairn-referrers-registry-", ".log");
      try {
        Process p =
            new ProcessBuilder(script.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
                .start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IOException("scripts/referrers-registry took longer than 30 minutes");
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
          throw new IOException("scripts/referrers-registry failed: " + printed);
        }
        Path binary = Path.of(printed.strip().lines().reduce((a, b) -> b).orElse(""));
        if (!Files.isExecutable(binary)) {
          throw new IOException("scripts/referrers-registry printed no binary: " + printed);
        }
        return binary;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while building the referrers registry", e);
      } finally {
        Files.deleteIfExists(out);
      }
    }
  }

  private void awaitReady(Process p) throws IOException {
    HttpClient http = client();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(
              () -> {
                if (!p.isAlive()) {
                  return true;
                }
                HttpResponse<Void> r =
                    http.send(
                        HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200 || r.statusCode() == 401;
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new IOException("the registry did not answer on " + address() + ":\n" + tail(), e);
    }
    if (!p.isAlive()) {
      throw new IOException("the registry exited at start:\n" + tail());
    }
  }

  /** A client that trusts this registry's certificate (for readiness checks and raw tests). */
  public HttpClient client() {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (!plainHttp()) {
      try {
        b.sslContext(trusting(caCertificate()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return b.build();
  }

  private static javax.net.ssl.SSLContext trusting(Path pem) throws IOException {
    try (var in = Files.newInputStream(pem)) {
      var cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
      var ts = java.security.KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", cert);
      var tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot trust " + pem + ": " + e.getMessage(), e);
    }
  }

  /** Stops the registry process and the token service; safe to call twice. */
  public void stop() {
    Process p = process;
    process = null;
    if (p != null) {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    RegistryTokenService t = tokens;
    tokens = null;
    if (t != null) {
      t.close();
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Installs Debian's {@code docker-registry} when it is missing: {@code apt-get install -y -q},
   * and once more after {@code apt-get update} if that fails (a fresh machine has no package
   * lists).
   */
  public static void ensureInstalled() throws IOException {
    synchronized (INSTALL_LOCK) {
      if (Files.isExecutable(BINARY)) {
        return;
      }
      if (run("apt-get", "install", "-y", "-q", "docker-registry") != 0) {
        run("apt-get", "update", "-q");
        if (run("apt-get", "install", "-y", "-q", "docker-registry") != 0) {
          throw new IOException(
              "cannot install docker-registry with apt-get (are you root, is Debian's archive"
                  + " reachable?)");
        }
      }
      if (!Files.isExecutable(BINARY)) {
        throw new IOException("apt-get installed docker-registry but " + BINARY + " is missing");
      }
    }
  }

  private static int run(String... cmd) throws IOException {
    Path log = Files.createTempFile("cairn-apt-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
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
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
