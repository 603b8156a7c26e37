package dev.cairn.server.http.internal;

import dev.cairn.certify.CertifyException;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.deploy.duties.DutyException;
import dev.cairn.deploy.rollout.Revision;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.webhook.Outcome;
import dev.cairn.pipeline.webhook.SourceKind;
import dev.cairn.pipeline.webhook.WebhookHandler;
import dev.cairn.pipeline.webhook.WebhookRequest;
import dev.cairn.server.CertificateShelf;
import dev.cairn.server.ServerConfig;
import dev.cairn.server.ServerException;
import dev.cairn.server.ServerStores;
import dev.cairn.server.auth.Access;
import dev.cairn.server.auth.ApiToken;
import dev.cairn.server.auth.TokenStore;
import dev.cairn.server.http.ApiModel;
import dev.cairn.server.schedule.Cron;
import dev.cairn.server.schedule.ScanJob;
import dev.cairn.server.schedule.Scheduler;
import dev.cairn.server.store.ClusterStore;
import dev.cairn.server.store.ScanStore;
import dev.cairn.server.store.StoreException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * The server's HTTP side: every route of {@code /openapi.json}, each checked against {@link
 * Access#TABLE} before it runs; security headers on every response; a rate limit per client; the
 * body cap; request metrics.
 */
public final class HttpApi implements AutoCloseable {
  /** What the routes work on. */
  public record Services(
      ServerConfig config,
      RunEngine engine,
      ServerStores stores,
      WebhookHandler webhooks,
      dev.cairn.server.notify.Notifier notifier,
      BooleanSupplier ready,
      Scheduler scheduler) {}

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private static final String OP = "cairn.operation";
  private static final String START = "cairn.start";

  private final Services s;
  private final CairnHome home;
  private final Clock clock;
  private final Buckets buckets;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<RunState, AtomicLong> runCounts = new EnumMap<>(RunState.class);
  private final String openApi;
  private final Javalin app;
  private volatile boolean stopping;

  private HttpApi(Services s) throws ServerException {
    this.s = s;
    this.home = s.config().home();
    this.clock = s.config().clock();
    this.buckets = new Buckets(s.config().rateLimit(), clock, 10_000);
    for (RunState st : RunState.values()) {
      AtomicLong n = new AtomicLong();
      runCounts.put(st, n);
      Gauge.builder("cairn.runs", n, AtomicLong::doubleValue)
          .description("pipeline runs in the run store, by state")
          .tag("state", st.id())
          .register(metrics);
    }
    try (InputStream in =
        HttpApi.class.getResourceAsStream("/dev/cairn/server/http/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the server's jar");
      }
      this.openApi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json from the server's jar", e);
    }
    ServerConnectorFactory connectors = new ServerConnectorFactory(s.config());
    this.app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.http.maxRequestSize = s.config().maxBodyBytes();
              cfg.concurrency.useVirtualThreads = true;
              cfg.jetty.modifyServer(srv -> srv.setStopTimeout(s.config().stopGrace().toMillis()));
              cfg.jetty.modifyHttpConfiguration(h -> h.setSendServerVersion(false));
              cfg.jetty.addConnector(connectors::connector);
              cfg.routes.before(this::before);
              cfg.routes.after(this::after);
              routes(cfg.routes);
              cfg.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e));
              cfg.routes.exception(
                  Exception.class,
                  (e, ctx) ->
                      error(
                          ctx,
                          new ApiError(
                              500,
                              "internal",
                              "the server failed: " + e.getClass().getSimpleName(),
                              "try again; if it keeps failing, read the server's log")));
              cfg.routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null || ctx.result().isEmpty()) {
                      writeError(ctx, 404, "not-found", "no such resource", null);
                    }
                  });
              cfg.routes.error(
                  405,
                  ctx ->
                      writeError(ctx, 405, "method-not-allowed", "method not allowed here", null));
            });
  }

  /** Starts serving. */
  public static HttpApi start(Services s) throws ServerException {
    HttpApi api = new HttpApi(s);
    try {
      api.app.start();
    } catch (RuntimeException e) {
      throw new ServerException(
          "cannot listen on "
              + s.config().host()
              + ":"
              + s.config().port()
              + ": "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
          "choose another --port, or stop what listens there",
          e);
    }
    return api;
  }

  public int port() {
    for (var c : app.jettyServer().server().getConnectors()) {
      if (c instanceof ServerConnector sc) {
        return sc.getLocalPort();
      }
    }
    return -1;
  }

  public URI uri() {
    String host = s.config().host();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create(
        (s.config().tlsCertificate() == null ? "http" : "https") + "://" + host + ":" + port());
  }

  /** Stops taking requests; those in flight get the stop grace to finish. */
  @Override
  public void close() {
    stopping = true;
    app.stop();
  }

  // ------------------------------------------------------------------ connectors

  /** Plain HTTP or HTTPS on the configured address. */
  private static final class ServerConnectorFactory {
    private final ServerConfig config;
    private final SslContextFactory.@Nullable Server ssl;

    ServerConnectorFactory(ServerConfig config) throws ServerException {
      this.config = config;
      Path cert = config.tlsCertificate();
      Path key = config.tlsKey();
      if (cert != null && key != null) {
        char[] pw = new char[24];
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < pw.length; i++) {
          pw[i] = (char) ('a' + r.nextInt(26));
        }
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(Pem.keyStore(cert, key, pw));
        f.setKeyStorePassword(new String(pw));
        f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        this.ssl = f;
      } else {
        this.ssl = null;
      }
    }

    ServerConnector connector(Server server, HttpConfiguration http) {
      ServerConnector c;
      if (ssl == null) {
        c = new ServerConnector(server, new HttpConnectionFactory(http));
      } else {
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        src.setSniHostCheck(false);
        https.addCustomizer(src);
        c =
            new ServerConnector(
                server,
                new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
      }
      c.setHost(config.host());
      c.setPort(config.port());
      return c;
    }
  }

  // ------------------------------------------------------------------ filters

  private void before(Context ctx) {
    ctx.attribute(START, System.nanoTime());
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store");
    if (s.config().tlsCertificate() != null) {
      ctx.header("Strict-Transport-Security", "max-age=31536000");
    }
    String path = ctx.path();
    if (!path.equals("/healthz") && !path.equals("/readyz") && !path.startsWith("/hooks/")) {
      long wait = buckets.take(ctx.ip());
      if (wait > 0) {
        ctx.header("Retry-After", Long.toString(wait));
        throw new ApiError(429, "rate-limited", "too many requests from this address", null);
      }
    }
    long length = ctx.req().getContentLengthLong();
    if (length > s.config().maxBodyBytes()) {
      ctx.header("Connection", "close");
      throw new ApiError(
          413,
          "too-large",
          "the body is longer than " + s.config().maxBodyBytes() + " bytes",
          "send a smaller body");
    }
  }

  private void after(Context ctx) {
    Object start = ctx.attribute(START);
    Object op = ctx.attribute(OP);
    if (start instanceof Long t0) {
      Timer.builder("cairn.http.requests")
          .description("HTTP requests served, by operation and status")
          .tag("operation", op == null ? "none" : op.toString())
          .tag("method", ctx.method().name())
          .tag("status", Integer.toString(ctx.statusCode()))
          .register(metrics)
          .record(Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  /** Registers {@code h} as operation {@code op}, after the access check of its table row. */
  private void route(
      io.javalin.config.RoutesConfig r, HandlerType method, String path, String op, Handler h) {
    if (!Access.TABLE.containsKey(op)) {
      throw new IllegalStateException("operation " + op + " is not in the access table");
    }
    r.addHttpHandler(
        method,
        path,
        ctx -> {
          ctx.attribute(OP, op);
          ApiToken token = Access.open(op) ? null : authenticate(ctx);
          switch (Access.check(op, token)) {
            case ALLOWED -> h.handle(ctx);
            case UNAUTHENTICATED -> {
              ctx.header("WWW-Authenticate", "Bearer realm=\"cairn\"");
              throw new ApiError(
                  401,
                  "unauthenticated",
                  "a valid API token is needed",
                  "send it as 'Authorization: Bearer <token>'");
            }
            case FORBIDDEN ->
                throw new ApiError(
                    403,
                    "forbidden",
                    "this token lacks the duty for "
                        + op
                        + " (needs one of "
                        + Access.TABLE.get(op).stream().sorted().map(Duty::title).toList()
                        + ")",
                    "ask a holder of the Sec duty for a token with that duty");
          }
        });
  }

  private @Nullable ApiToken authenticate(Context ctx) throws ServerException {
    String h = ctx.header("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = h.substring(7).strip();
    if (t.isEmpty() || t.length() > 200) {
      return null;
    }
    ApiToken token = s.stores().tokens().authenticate(Secret.ofUtf8(t)).orElse(null);
    if (token != null) {
      ctx.attribute("cairn.token", token);
    }
    return token;
  }

  private static ApiToken caller(Context ctx) {
    ApiToken t = ctx.attribute("cairn.token");
    if (t == null) {
      throw new IllegalStateException("no token on an authenticated route");
    }
    return t;
  }

  // ------------------------------------------------------------------ routes

  private void routes(io.javalin.config.RoutesConfig r) {
    route(
        r,
        HandlerType.GET,
        "/healthz",
        "getHealth",
        ctx -> json(ctx, 200, new ApiModel.Health("ok", List.of())));
    route(r, HandlerType.GET, "/readyz", "getReadiness", this::readiness);
    route(r, HandlerType.GET, "/metrics", "getMetrics", this::scrape);
    route(
        r,
        HandlerType.GET,
        "/openapi.json",
        "getOpenApi",
        ctx -> ctx.status(200).contentType("application/json").result(openApi));
    route(r, HandlerType.POST, "/hooks/{source}", "receiveWebhook", this::webhook);
    route(
        r,
        HandlerType.GET,
        "/api/v1/me",
        "getMe",
        ctx -> json(ctx, 200, ApiModel.Me.of(caller(ctx))));
    route(r, HandlerType.GET, "/api/v1/runs", "listRuns", this::listRuns);
    route(
        r,
        HandlerType.GET,
        "/api/v1/runs/{id}",
        "getRun",
        ctx -> json(ctx, 200, ApiModel.Run.of(run(ctx))));
    route(r, HandlerType.GET, "/api/v1/runs/{id}/steps/{step}/log", "getStepLog", this::stepLog);
    route(r, HandlerType.GET, "/api/v1/runs/{id}/events", "streamRunEvents", this::events);
    route(r, HandlerType.POST, "/api/v1/runs/{id}/cancel", "cancelRun", this::cancelRun);
    route(r, HandlerType.GET, "/api/v1/clusters", "listClusters", this::listClusters);
    route(
        r,
        HandlerType.GET,
        "/api/v1/clusters/{cluster}/certificates",
        "listClusterCertificates",
        this::clusterCertificates);
    route(r, HandlerType.GET, "/api/v1/certificates/{digest}", "getCertificate", this::certificate);
    route(
        r,
        HandlerType.GET,
        "/api/v1/certificates/{digest}/verification",
        "verifyCertificate",
        this::verify);
    route(r, HandlerType.GET, "/api/v1/targets", "listTargets", this::listTargets);
    route(
        r,
        HandlerType.GET,
        "/api/v1/targets/{target}/deployments",
        "listDeployments",
        this::deployments);
    route(r, HandlerType.GET, "/api/v1/audit", "listAudit", this::audit);
    route(r, HandlerType.GET, "/api/v1/schedules", "listSchedules", this::listSchedules);
    route(r, HandlerType.PUT, "/api/v1/schedules/{name}", "putSchedule", this::putSchedule);
    route(
        r, HandlerType.DELETE, "/api/v1/schedules/{name}", "deleteSchedule", this::deleteSchedule);
    route(r, HandlerType.POST, "/api/v1/schedules/{name}/scan", "startScan", this::startScan);
    route(r, HandlerType.GET, "/api/v1/scans", "listScans", this::listScans);
    route(r, HandlerType.GET, "/api/v1/scans/{id}", "getScan", this::getScan);
    route(
        r,
        HandlerType.GET,
        "/api/v1/scan-jobs/{job}/events",
        "streamScanJobEvents",
        this::scanJobEvents);
    route(r, HandlerType.GET, "/api/v1/tokens", "listTokens", this::listTokens);
    route(r, HandlerType.POST, "/api/v1/tokens", "createToken", this::createToken);
    route(r, HandlerType.GET, "/api/v1/trust", "getTrustRoot", this::trust);
    route(r, HandlerType.GET, "/api/v1/notifications", "listNotifications", this::notifications);
    route(r, HandlerType.GET, "/", "getDashboard", ctx -> Dashboard.serve(ctx, "index.html"));
    route(
        r,
        HandlerType.GET,
        "/ui/{asset}",
        "getDashboardAsset",
        ctx -> Dashboard.serve(ctx, ctx.pathParam("asset")));
    route(r, HandlerType.DELETE, "/api/v1/tokens/{id}", "revokeToken", this::revokeToken);
  }

  private void readiness(Context ctx) {
    List<String> problems = new ArrayList<>();
    if (stopping || !s.ready().getAsBoolean()) {
      problems.add("the server is starting or stopping");
    }
    try {
      s.stores().runs().list();
    } catch (PipelineException | RuntimeException e) {
      problems.add("the run store cannot be read");
    }
    json(
        ctx,
        problems.isEmpty() ? 200 : 503,
        new ApiModel.Health(problems.isEmpty() ? "ready" : "not-ready", problems));
  }

  private void scrape(Context ctx) throws PipelineException {
    Map<RunState, Long> n = new EnumMap<>(RunState.class);
    for (RunRecord r : s.stores().runs().list()) {
      n.merge(r.state(), 1L, Long::sum);
    }
    runCounts.forEach((st, v) -> v.set(n.getOrDefault(st, 0L)));
    ctx.status(200)
        .contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(metrics.scrape());
  }

  private void webhook(Context ctx) throws IOException {
    Optional<SourceKind> kind = SourceKind.byId(ctx.pathParam("source"));
    if (kind.isEmpty()) {
      throw new ApiError(
          404,
          "not-found",
          "no such webhook source",
          "use /hooks/github, /hooks/gitlab or /hooks/gitea");
    }
    HttpServletRequest req = ctx.req();
    Map<String, List<String>> headers = new HashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name, Collections.list(req.getHeaders(name)));
    }
    Outcome o =
        s.webhooks()
            .handle(
                new WebhookRequest(ctx.method().name(), kind.get(), headers, ctx.ip()),
                req.getInputStream());
    o.headers().forEach(ctx::header);
    ctx.status(o.status());
    if (!o.body().isEmpty()) {
      ctx.contentType("application/json").result(o.body());
    }
  }

  private void listRuns(Context ctx) throws PipelineException {
    int limit = intParam(ctx, "limit", 50, 1, 500);
    String state = ctx.queryParam("state");
    if (state != null) {
      try {
        RunState.of(state);
      } catch (IllegalArgumentException e) {
        throw new ApiError(
            400,
            "bad-request",
            "no run state '" + Text.escape(state) + "'",
            "use queued, running, succeeded, failed, cancelled or interrupted");
      }
    }
    List<RunRecord> all =
        s.stores().runs().list().stream()
            .filter(r -> state == null || r.state().id().equals(state))
            .toList();
    json(
        ctx,
        200,
        new ApiModel.RunList(all.stream().limit(limit).map(ApiModel.Run::of).toList(), all.size()));
  }

  private RunRecord run(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[A-Za-z0-9._-]{1,80}")) {
      throw new ApiError(404, "not-found", "no such run", "list the runs to see their ids");
    }
    try {
      return s.stores()
          .runs()
          .get(id)
          .orElseThrow(
              () ->
                  new ApiError(404, "not-found", "no such run", "list the runs to see their ids"));
    } catch (PipelineException e) {
      throw new ApiError(404, "not-found", "no such run", "list the runs to see their ids");
    }
  }

  private void stepLog(Context ctx) throws PipelineException {
    RunRecord r = run(ctx);
    String name = ctx.pathParam("step");
    StepRecord st =
        r.step(name)
            .orElseThrow(() -> new ApiError(404, "not-found", "the run has no such step", null));
    long offset = longParam(ctx, "offset", 0);
    int max = intParam(ctx, "max", 65536, 1, 1 << 20);
    RunStore store = s.stores().runs();
    byte[] b = store.readLog(r.id(), st.log(), offset, max);
    long next = offset + b.length;
    boolean complete =
        st.state().finished() && store.readLog(r.id(), st.log(), next, 1).length == 0;
    json(
        ctx,
        200,
        new ApiModel.LogChunk(
            r.id(), st.name(), offset, next, complete, new String(b, StandardCharsets.UTF_8)));
  }

  /** Server-sent events: {@code status} when the record changes, {@code log} as steps write. */
  private void events(Context ctx) throws IOException, PipelineException, InterruptedException {
    RunRecord r = run(ctx);
    ctx.res().setStatus(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setCharacterEncoding("UTF-8");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    RunStore store = s.stores().runs();
    Map<String, Long> offsets = new HashMap<>();
    long revision = -1;
    long lastWrite = System.nanoTime();
    int seq = 0;
    while (true) {
      RunRecord now = store.get(r.id()).orElse(r);
      for (StepRecord st : now.steps()) {
        long off = offsets.getOrDefault(st.log(), 0L);
        while (true) {
          byte[] b = store.readLog(now.id(), st.log(), off, 16384);
          if (b.length == 0) {
            break;
          }
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("step", st.name());
          m.put("offset", off);
          m.put("text", new String(b, StandardCharsets.UTF_8));
          send(out, ++seq, "log", Json.canonical(m));
          off += b.length;
          lastWrite = System.nanoTime();
        }
        offsets.put(st.log(), off);
      }
      if (now.revision() != revision) {
        revision = now.revision();
        send(out, ++seq, "status", Json.canonical(ApiModel.Run.of(now)));
        lastWrite = System.nanoTime();
      }
      if (now.state().finished()) {
        send(out, ++seq, "end", Json.canonical(ApiModel.Run.of(now)));
        return;
      }
      if (stopping) {
        return;
      }
      if (System.nanoTime() - lastWrite > Duration.ofSeconds(15).toNanos()) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        lastWrite = System.nanoTime();
      }
      Thread.sleep(100);
    }
  }

  private static void send(OutputStream out, int id, String event, String data) throws IOException {
    out.write(
        ("id: " + id + "\nevent: " + event + "\ndata: " + data + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void cancelRun(Context ctx) throws CairnException {
    RunRecord r = run(ctx);
    boolean cancelled = s.engine().cancel(r.id());
    audit(ctx, "run.cancel", r.id(), cancelled ? "cancelled" : "already-finished");
    json(
        ctx,
        cancelled ? 202 : 409,
        new ApiModel.Done(
            cancelled ? "cancelled" : "finished",
            cancelled ? "the run is being cancelled" : "the run had finished already"));
  }

  private List<CertificateShelf.Shelved> shelf() throws ServerException {
    return s.stores().certificates().list(new ArrayList<>());
  }

  private ApiModel.CertificateSummary summary(CertificateShelf.Shelved c) {
    return ApiModel.CertificateSummary.of(
        c.digest(),
        c.certificate(),
        c.bundle().ledger(),
        c.bundle().locator(),
        clock.instant(),
        s.config().expiringWithin().toDays());
  }

  private void listClusters(Context ctx) throws ServerException {
    Map<String, List<CertificateShelf.Shelved>> by = new LinkedHashMap<>();
    for (CertificateShelf.Shelved c : shelf()) {
      by.computeIfAbsent(c.certificate().clusterId().toString(), k -> new ArrayList<>()).add(c);
    }
    List<ApiModel.Cluster> out = new ArrayList<>();
    by.forEach(
        (id, certs) ->
            out.add(
                new ApiModel.Cluster(
                    id, certs.get(0).certificate().server(), certs.size(), summary(certs.get(0)))));
    out.sort(java.util.Comparator.comparing(ApiModel.Cluster::id));
    json(ctx, 200, new ApiModel.ClusterList(out));
  }

  private static String clusterId(String p) {
    String hex = p.startsWith("sha256:") ? p.substring(7) : p;
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new ApiError(
          404, "not-found", "no such cluster", "name a cluster by its id, sha256:<64 hex digits>");
    }
    return "sha256:" + hex;
  }

  private void clusterCertificates(Context ctx) throws ServerException {
    String id = clusterId(ctx.pathParam("cluster"));
    List<ApiModel.CertificateSummary> out =
        shelf().stream()
            .filter(c -> c.certificate().clusterId().toString().equals(id))
            .map(this::summary)
            .toList();
    if (out.isEmpty()) {
      throw new ApiError(404, "not-found", "no certificate for that cluster", null);
    }
    json(ctx, 200, new ApiModel.CertificateList(id, out));
  }

  private CertificateShelf.Shelved shelved(Context ctx) throws ServerException {
    String d = ctx.pathParam("digest");
    String digest = d.startsWith("sha256:") ? d : "sha256:" + d;
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new ApiError(404, "not-found", "no such certificate", "name it by its sha256 digest");
    }
    return s.stores()
        .certificates()
        .find(digest)
        .orElseThrow(() -> new ApiError(404, "not-found", "no such certificate", null));
  }

  private void certificate(Context ctx) throws ServerException {
    json(ctx, 200, summary(shelved(ctx)));
  }

  private void verify(Context ctx) throws ServerException {
    CertificateShelf.Shelved c = shelved(ctx);
    VerifyResult r;
    try {
      r = Verifier.create(home, clock).verify(VerifyRequest.of(c.bundle()));
    } catch (CertifyException e) {
      throw new ApiError(
          503,
          "verification-unavailable",
          "the certificate cannot be verified here now: " + e.getMessage(),
          e.hint().orElse(null));
    }
    json(ctx, 200, ApiModel.Verification.of(r, clock.instant()));
  }

  private List<String> targetNames() throws IOException {
    Path dir = home.dir("deploy").resolve("targets");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> st = Files.list(dir)) {
      return st.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(TargetConfig::validName)
          .sorted()
          .toList();
    }
  }

  private void listTargets(Context ctx) throws IOException {
    List<ApiModel.Target> out = new ArrayList<>();
    for (String t : targetNames()) {
      List<Revision> revs = s.stores().deployments().revisions(t);
      out.add(
          new ApiModel.Target(
              t,
              revs.size(),
              revs.isEmpty() ? null : ApiModel.Deployment.of(revs.get(revs.size() - 1))));
    }
    json(ctx, 200, new ApiModel.TargetList(out));
  }

  private void deployments(Context ctx) throws IOException {
    String t = ctx.pathParam("target");
    if (!TargetConfig.validName(t)) {
      throw new ApiError(404, "not-found", "no such target", null);
    }
    List<Revision> revs = new ArrayList<>(s.stores().deployments().revisions(t));
    if (revs.isEmpty() && !targetNames().contains(t)) {
      throw new ApiError(404, "not-found", "no such target", null);
    }
    Collections.reverse(revs);
    json(
        ctx,
        200,
        new ApiModel.DeploymentList(t, revs.stream().map(ApiModel.Deployment::of).toList()));
  }

  private void audit(Context ctx) {
    int limit = intParam(ctx, "limit", 100, 1, 1000);
    List<Map<String, Object>> all;
    try {
      all = s.stores().audit().read();
    } catch (DutyException e) {
      throw new ApiError(
          500, "audit-broken", String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
    List<ApiModel.AuditEntry> out = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
      Map<String, Object> m = all.get(i);
      Object at = m.get("at");
      out.add(
          new ApiModel.AuditEntry(
              i + 1,
              String.valueOf(m.getOrDefault("event", "")),
              at == null ? null : at.toString(),
              m));
    }
    json(ctx, 200, new ApiModel.AuditList(out, all.size()));
  }

  private void listTokens(Context ctx) throws ServerException {
    json(
        ctx,
        200,
        new ApiModel.TokenList(
            s.stores().tokens().list().stream().map(ApiModel.Token::of).toList()));
  }

  private void createToken(Context ctx) throws IOException, ServerException {
    Map<String, Object> body;
    try {
      body = Json.parseObject(readBody(ctx));
    } catch (IOException e) {
      throw new ApiError(
          400,
          "bad-request",
          "the body is not a JSON object",
          "send {\"name\": ..., \"duties\": [...]}");
    }
    Object name = body.get("name");
    Object duties = body.get("duties");
    if (!(name instanceof String n) || !(duties instanceof List<?> ds) || ds.isEmpty()) {
      throw new ApiError(
          400,
          "bad-request",
          "a token needs a name and at least one duty",
          "send {\"name\": \"ci\", \"duties\": [\"Dev\"]}");
    }
    Set<Duty> set = EnumSet.noneOf(Duty.class);
    for (Object d : ds) {
      set.add(
          Duty.parse(String.valueOf(d))
              .orElseThrow(
                  () ->
                      new ApiError(
                          400,
                          "bad-request",
                          "no duty '" + Text.escape(String.valueOf(d)) + "'",
                          "use Dev, Sec, Ops or Viewer")));
    }
    TokenStore.Issued issued;
    try {
      issued = s.stores().tokens().create(n, set, clock.instant());
    } catch (ServerException e) {
      throw new ApiError(400, "bad-request", String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
    audit(ctx, "token.create", issued.token().id() + " (" + issued.token().name() + ")", "created");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", ApiModel.Token.of(issued.token()));
    out.put("token", new String(issued.secret().bytes(), StandardCharsets.UTF_8));
    ctx.status(201).contentType("application/json").result(Json.canonical(out));
  }

  private void revokeToken(Context ctx) throws ServerException {
    String id = ctx.pathParam("id");
    if (!id.matches("[0-9a-f]{12}")) {
      throw new ApiError(404, "not-found", "no such token", null);
    }
    boolean known = s.stores().tokens().list().stream().anyMatch(t -> t.id().equals(id));
    if (!known) {
      throw new ApiError(404, "not-found", "no such token", null);
    }
    boolean revoked = s.stores().tokens().revoke(id, clock.instant());
    audit(ctx, "token.revoke", id, revoked ? "revoked" : "already-revoked");
    json(
        ctx,
        200,
        new ApiModel.Done(
            revoked ? "revoked" : "already-revoked",
            revoked ? "the token no longer works" : "the token was revoked before"));
  }

  // ------------------------------------------------------------------ schedules and scans

  private static String clusterName(Context ctx) {
    String n = ctx.pathParam("name");
    if (!n.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      throw new ApiError(
          404,
          "not-found",
          "no such cluster",
          "a cluster's name is lower-case letters, digits and '-', at most 63");
    }
    return n;
  }

  private ApiModel.Schedule schedule(ClusterStore.Cluster c) throws StoreException {
    Scheduler sch = s.scheduler();
    List<ScanStore.Scan> last = s.stores().scans().history(c.name(), 1);
    return new ApiModel.Schedule(
        c.name(),
        c.schedule(),
        c.kubeconfig(),
        c.registeredAt().toString(),
        sch.nextScan(c).map(Object::toString).orElse(null),
        last.isEmpty() ? null : ApiModel.LastScan.of(last.get(0)),
        sch.newestCertificate(c.name()).map(CertificateShelf.Shelved::digest).orElse(null));
  }

  private void listSchedules(Context ctx) throws StoreException {
    List<ApiModel.Schedule> out = new ArrayList<>();
    for (ClusterStore.Cluster c : s.stores().clusters().list()) {
      out.add(schedule(c));
    }
    json(ctx, 200, new ApiModel.ScheduleList(out));
  }

  private void putSchedule(Context ctx) throws IOException, StoreException {
    String name = clusterName(ctx);
    Map<String, Object> body;
    try {
      body = Json.parseObject(readBody(ctx));
    } catch (IOException e) {
      throw new ApiError(
          400,
          "bad-request",
          "the body is not a JSON object",
          "send {\"kubeconfig\": \"/path/on/the/server\", \"schedule\": \"0 3 * * *\"}");
    }
    if (!(body.get("kubeconfig") instanceof String kubeconfig)
        || !(body.get("schedule") instanceof String schedule)) {
      throw new ApiError(
          400,
          "bad-request",
          "a schedule needs a kubeconfig and a schedule, both strings",
          "send {\"kubeconfig\": \"/path/on/the/server\", \"schedule\": \"0 3 * * *\"}");
    }
    ClusterStore.Cluster c;
    try {
      c = new ClusterStore.Cluster(name, kubeconfig, schedule, clock.instant());
    } catch (Cron.InvalidSchedule e) {
      throw new ApiError(400, "bad-schedule", String.valueOf(e.getMessage()), e.hint());
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "bad-request", String.valueOf(e.getMessage()), null);
    }
    Path file = Path.of(kubeconfig);
    if (!file.isAbsolute() || !Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ApiError(
          400,
          "bad-kubeconfig",
          "no readable kubeconfig at '" + Text.escape(kubeconfig) + "' on the server",
          "give the absolute path of a kubeconfig file the server can read");
    }
    boolean known = s.stores().clusters().get(name).isPresent();
    s.stores().clusters().put(c);
    audit(ctx, "schedule.put", name, known ? "replaced" : "registered");
    json(ctx, known ? 200 : 201, schedule(c));
  }

  private void deleteSchedule(Context ctx) throws StoreException {
    String name = clusterName(ctx);
    if (!s.stores().clusters().remove(name)) {
      throw new ApiError(404, "not-found", "no such cluster", "list the schedules to see them");
    }
    audit(ctx, "schedule.delete", name, "removed");
    json(
        ctx,
        200,
        new ApiModel.Done(
            "removed", "the cluster is no longer scanned; its scans and certificates are kept"));
  }

  private void startScan(Context ctx) throws StoreException {
    String name = clusterName(ctx);
    ScanJob job;
    try {
      job = s.scheduler().scanNow(name);
    } catch (java.util.NoSuchElementException e) {
      throw new ApiError(404, "not-found", "no such cluster", "register it with PUT first");
    }
    audit(ctx, "schedule.scan", name, "started " + job.id());
    json(
        ctx,
        202,
        new ApiModel.ScanStarted(job.id(), name, "/api/v1/scan-jobs/" + job.id() + "/events"));
  }

  private void listScans(Context ctx) throws StoreException {
    int limit = intParam(ctx, "limit", 50, 1, 1000);
    String cluster = ctx.queryParam("cluster");
    List<ScanStore.Scan> all = new ArrayList<>();
    if (cluster != null) {
      if (cluster.isBlank() || cluster.length() > 200) {
        throw new ApiError(400, "bad-request", "cluster is a name of 1 to 200 characters", null);
      }
      all.addAll(s.stores().scans().history(cluster, limit));
    } else {
      for (ClusterStore.Cluster c : s.stores().clusters().list()) {
        all.addAll(s.stores().scans().history(c.name(), limit));
      }
      all.sort(
          java.util.Comparator.comparing(ScanStore.Scan::scannedAt)
              .thenComparingLong(ScanStore.Scan::id)
              .reversed());
    }
    json(
        ctx,
        200,
        new ApiModel.ScanList(all.stream().limit(limit).map(ApiModel.ScanSummary::of).toList()));
  }

  private void getScan(Context ctx) throws StoreException {
    String id = ctx.pathParam("id");
    if (!id.matches("[0-9]{1,18}")) {
      throw new ApiError(404, "not-found", "no such scan", "list the scans to see their ids");
    }
    ScanStore.Scan scan =
        s.stores()
            .scans()
            .get(Long.parseLong(id))
            .orElseThrow(
                () -> new ApiError(404, "not-found", "no such scan", "list the scans to see ids"));
    Map<String, Object> report;
    try {
      report = Json.parseObject(scan.reportJson());
    } catch (IOException e) {
      throw new ApiError(
          500, "scan-broken", "the stored report of scan " + id + " is not JSON", null);
    }
    json(
        ctx,
        200,
        new ApiModel.ScanDetail(
            scan.id(), scan.cluster(), scan.scannedAt().toString(), scan.findings(), report));
  }

  /** Server-sent events of a scan job: {@code progress} as it goes, then {@code end}. */
  private void scanJobEvents(Context ctx) throws IOException, InterruptedException {
    String id = ctx.pathParam("job");
    ScanJob job =
        (id.matches("job-[0-9a-f]{12}") ? s.scheduler().job(id) : Optional.<ScanJob>empty())
            .orElseThrow(
                () ->
                    new ApiError(
                        404,
                        "not-found",
                        "no such scan job",
                        "start a scan with POST /api/v1/schedules/{name}/scan"));
    ctx.res().setStatus(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setCharacterEncoding("UTF-8");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    int seen = 0;
    while (!stopping) {
      List<ScanJob.Event> evs = job.eventsAfter(seen, 15_000);
      if (evs.isEmpty()) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        continue;
      }
      for (ScanJob.Event e : evs) {
        send(out, e.seq(), e.type(), Json.canonical(e.data()));
        seen = e.seq();
        if (e.type().equals("end")) {
          return;
        }
      }
    }
  }

  private void trust(Context ctx) throws IOException, CairnException {
    Path file = home.trustRoot();
    TrustRoot root =
        Files.isRegularFile(file)
            ? TrustRoot.parse(Files.readString(file, StandardCharsets.UTF_8))
            : TrustRoot.empty();
    java.time.Instant now = clock.instant();
    List<ApiModel.TrustEntry> entries = new ArrayList<>();
    for (TrustRoot.Entry e : root.entries()) {
      entries.add(
          new ApiModel.TrustEntry(
              trustKind(e.item()),
              e.item().describe(),
              e.validFrom() == null ? null : e.validFrom().toString(),
              e.validUntil() == null ? null : e.validUntil().toString(),
              e.contains(now)));
    }
    json(
        ctx,
        200,
        new ApiModel.TrustDocument(
            entries,
            root.checkpoints().stream()
                .map(c -> new ApiModel.PinnedCheckpoint(c.origin(), c.size()))
                .toList(),
            root.acceptsSnapshots(),
            root.requiredWitnesses(),
            root.acceptsUnattestedBuilders()));
  }

  private void notifications(Context ctx) throws IOException {
    int limit = intParam(ctx, "limit", 100, 1, 1000);
    List<ApiModel.NotificationDelivery> out = new ArrayList<>();
    for (var d : s.notifier().list(limit)) {
      out.add(ApiModel.NotificationDelivery.of(d));
    }
    json(
        ctx,
        200,
        new ApiModel.NotificationList(
            s.notifier().endpoints().stream().map(e -> e.shown()).toList(), out));
  }

  private static String trustKind(TrustRoot.Item item) {
    return switch (item) {
      case TrustRoot.Policy p -> "policy";
      case TrustRoot.Measurement m -> "measurement";
      case TrustRoot.SigningKey k -> "signing-key";
      case TrustRoot.PlatformKey k -> "platform-key";
      case TrustRoot.LogKey k -> "log-key";
      case TrustRoot.LedgerPin p -> "ledger-pin";
      case TrustRoot.WitnessKey k -> "witness-key";
      case TrustRoot.BuilderKey k -> "builder-key";
      case TrustRoot.BuilderMeasurement m -> "builder-measurement";
    };
  }

  // ------------------------------------------------------------------ helpers

  /** One record in the duties audit log for a change made through the API. */
  private void audit(Context ctx, String action, String object, String outcome) {
    ApiToken t = caller(ctx);
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("event", "api");
    rec.put("at", clock.instant().toString());
    rec.put("action", action);
    rec.put("object", object);
    rec.put("outcome", outcome);
    rec.put("token", t.id());
    rec.put("actor", t.name());
    rec.put("remote", ctx.ip());
    try {
      s.stores().audit().append(rec);
    } catch (DutyException e) {
      throw new ApiError(
          503,
          "audit-unavailable",
          "the change was made but its audit record could not be written: " + e.getMessage(),
          e.hint().orElse(null));
    }
  }

  private String readBody(Context ctx) throws IOException {
    long max = s.config().maxBodyBytes();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        b.write(buf, 0, n);
        if (b.size() > max) {
          throw new ApiError(413, "too-large", "the body is longer than " + max + " bytes", null);
        }
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiError(
          400, "bad-request", name + " must be a whole number from " + min + " to " + max, null);
    }
  }

  private static long longParam(Context ctx, String name, long dflt) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiError(400, "bad-request", name + " must be a whole number, 0 or more", null);
    }
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.canonical(body));
  }

  private static void error(Context ctx, ApiError e) {
    writeError(ctx, e.status, e.code, String.valueOf(e.getMessage()), e.hint);
  }

  private static void writeError(
      Context ctx, int status, String code, String message, @Nullable String hint) {
    json(ctx, status, new ApiModel.Error(code, message, hint));
  }

  /** An error answered as {@link ApiModel.Error} with its status. */
  static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;
    final @Nullable String hint;

    ApiError(int status, String code, String message, @Nullable String hint) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.hint = hint;
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
