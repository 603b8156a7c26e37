package dev.cairn.server;

import static org.awaitility.Awaitility.await;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunTarget;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.steps.Delivery;
import dev.cairn.server.auth.TokenStore;
import dev.cairn.server.auth.Tokens;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A server on 127.0.0.1 port 0 over the file stores of a fresh home, with a token per duty. */
final class ServerFixture implements AutoCloseable {
  static final String WEBHOOK_SECRET = "webhook-secret-do-not-leak-0123456789";

  final Path dir;
  final CairnHome home;
  final Map<Duty, Secret> tokens = new EnumMap<>(Duty.class);
  final List<String> events = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  CairnServer server;
  ServerStores stores;

  ServerFixture(Path dir) throws Exception {
    this(dir, b -> {});
  }

  ServerFixture(Path dir, java.util.function.Consumer<ServerConfig.Builder> tune) throws Exception {
    this.dir = dir;
    this.home = CairnHome.of(dir.resolve("home"));
    Files.createDirectories(home.root());
    copy("certificates/trust.json", home.trustRoot());
    for (String c : List.of("good", "expiry")) {
      copy("certificates/" + c + ".cert.json", home.dir("certificates").resolve(c + ".cert.json"));
    }
    try (TokenStore t = tokenStore()) {
      for (Duty d : Duty.values()) {
        tokens.put(
            d,
            t.create(
                    d.title().toLowerCase(java.util.Locale.ROOT),
                    Set.of(d),
                    java.time.Instant.now())
                .secret());
      }
    }
    this.server = start(tune);
  }

  TokenStore tokenStore() throws ServerException {
    return Tokens.file(home.dir("server").resolve("tokens.json"), 1000);
  }

  CairnServer start(java.util.function.Consumer<ServerConfig.Builder> tune) throws Exception {
    ServerConfig.Builder b =
        ServerConfig.builder(home)
            .port(0)
            .webhookSecret(Secret.ofUtf8(WEBHOOK_SECRET))
            .hostEnv(System.getenv())
            .stopGrace(Duration.ofSeconds(2));
    tune.accept(b);
    ServerStores files = ServerStores.files(home);
    ServerStores stores = files.with(tokenStore(), CertificateShelf.in(home));
    files.tokens().close();
    this.stores = stores;
    return CairnServer.start(b.build(), stores, events::add, scans);
  }

  void restart() throws Exception {
    restart(b -> {});
  }

  void restart(java.util.function.Consumer<ServerConfig.Builder> tune) throws Exception {
    server.close();
    server = start(tune);
  }

  /** What the servers started here tell of stored scans (set before a start). */
  ScanListener scans = ScanListener.NONE;

  /** A kubeconfig that names no certificate authority: a scan of it fails at once. */
  Path brokenKubeconfig() throws Exception {
    Path p = dir.resolve("broken.kubeconfig");
    Files.writeString(
        p,
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:"
            + " {server: 'https://127.0.0.1:9'}\ncontexts:\n- name: c\n  context: {cluster: k,"
            + " user: u}\nusers:\n- name: u\n  user: {token: t}\n");
    return p;
  }

  private static void copy(String resource, Path to) throws Exception {
    Files.createDirectories(to.getParent());
    try (InputStream in = ServerFixture.class.getResourceAsStream("/" + resource)) {
      Files.write(to, in.readAllBytes());
    }
  }

  URI uri(String path) {
    return URI.create(server.uri() + path);
  }

  HttpResponse<String> get(String path, Duty duty) throws Exception {
    return send("GET", path, duty == null ? null : tokens.get(duty), null);
  }

  HttpResponse<String> send(String method, String path, Secret token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header(
          "Authorization",
          "Bearer " + new String(token.bytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Object> json(HttpResponse<String> r) throws Exception {
    return Json.parseObject(r.body());
  }

  /** A directory with a pipeline of one {@code run} step running {@code script} in sh. */
  Path project(String name, String script) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.resolve(".cairn"));
    Files.writeString(
        p.resolve(".cairn/pipeline.yaml"),
        "name: "
            + name
            + "\nsteps:\n  - name: main\n    run: {command: [sh, -c, "
            + Json.canonical(script)
            + "]}\n");
    return p;
  }

  /** Submits a run of {@code project} to the server's engine. */
  RunRecord submit(Path project) throws Exception {
    RunRequest req =
        Delivery.request(
            RunTarget.parse(project.toString()), SecretSource.of(Map.of()), "tester", n -> {});
    return server.engine().submit(req.withRerun(true)).run();
  }

  RunRecord awaitFinished(String id) throws Exception {
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> server.engine().run(id).map(r -> r.state().finished()).orElse(false));
    return server.engine().run(id).orElseThrow();
  }

  List<RunRecord> runs() throws Exception {
    return Pipelines.runs(server.engine().store());
  }

  @Override
  public void close() {
    server.close();
  }
}
