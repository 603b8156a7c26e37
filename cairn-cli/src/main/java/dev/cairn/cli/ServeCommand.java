package dev.cairn.cli;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.CairnServer;
import dev.cairn.server.ServerConfig;
import dev.cairn.server.ServerStores;
import dev.cairn.server.auth.TokenStore;
import dev.cairn.server.schedule.Cron;
import dev.cairn.server.store.ClusterStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn serve}: the server (REST API, webhooks, run engine, scheduled scans) until Ctrl-C or
 * TERM. Prints its URL on stdout (and a token made by {@code --init-token}, once); everything else
 * on stderr.
 */
@Command(name = "serve")
final class ServeCommand extends Sub {
  @Option(names = "--host")
  String host = "127.0.0.1";

  @Option(names = "--port")
  int port = 8080;

  @Option(names = "--home", paramLabel = "DIR")
  @Nullable Path homeDir;

  @Option(names = "--db", paramLabel = "URL")
  @Nullable String db;

  @Option(names = "--webhook-secret-file", paramLabel = "FILE")
  @Nullable Path secretFile;

  @Option(names = "--tls-cert", paramLabel = "PEM")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM")
  @Nullable Path tlsKey;

  @Option(names = "--workers")
  int workers = 2;

  @Option(names = "--init-token", paramLabel = "NAME")
  @Nullable String initToken;

  @Option(names = "--duty", paramLabel = "DUTY")
  List<String> duties = new ArrayList<>();

  @Option(names = "--notify", paramLabel = "URL")
  List<String> notify = new ArrayList<>();

  @Option(names = "--notify-secret-file", paramLabel = "FILE")
  @Nullable Path notifySecretFile;

  @Option(names = "--notify-events", paramLabel = "KIND", split = ",")
  List<String> notifyEvents = new ArrayList<>();

  @Option(names = "--cluster", paramLabel = "NAME=KUBECONFIG")
  List<String> clusters = new ArrayList<>();

  @Option(names = "--schedule", paramLabel = "CRON")
  String schedule = "@daily";

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw ExitException.usage("--port " + port + " is not a port", "pass 0 to 65535");
    }
    if (workers < 1) {
      throw ExitException.usage("--workers " + workers + " is too few", "pass 1 or more");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw ExitException.usage(
          "--tls-cert and --tls-key go together", "pass both PEM files, or neither");
    }
    CairnHome home = homeDir != null ? CairnHome.of(homeDir.toAbsolutePath()) : home();
    Secret secret = secret();
    // the database (embedded H2 in the home by default, PostgreSQL by URL) or, with --db files,
    // the files the CLI's commands share
    dev.cairn.server.store.Storage storage = null;
    ServerStores stores;
    if ("files".equals(db)) {
      stores = ServerStores.files(home);
    } else {
      storage = dev.cairn.server.store.Storage.open(db, home, java.time.Clock.systemUTC());
      stores = ServerStores.database(storage, home);
    }
    try {
      return serve(home, secret, stores);
    } finally {
      if (storage != null) {
        storage.close();
      }
    }
  }

  private Integer serve(CairnHome home, Secret secret, ServerStores stores) throws Exception {
    if (initToken != null) {
      Set<Duty> set = EnumSet.noneOf(Duty.class);
      for (String d : duties.isEmpty() ? List.of("Viewer") : duties) {
        set.add(
            Duty.parse(d)
                .orElseThrow(
                    () ->
                        ExitException.usage(
                            "--duty " + Text.escape(d) + " is not a duty",
                            "pass Dev, Sec, Ops or Viewer")));
      }
      {
        TokenStore tokens = stores.tokens();
        TokenStore.Issued t = tokens.create(initToken, set, Instant.now());
        out()
            .println(
                "token "
                    + t.token().name()
                    + " ("
                    + String.join(
                        ", ", t.token().duties().stream().sorted().map(Duty::title).toList())
                    + "), shown this once: "
                    + new String(t.secret().bytes(), StandardCharsets.UTF_8));
        out().flush();
      }
    } else if (!duties.isEmpty()) {
      throw ExitException.usage("--duty needs --init-token", "name the token to make");
    }
    register(stores);
    ServerConfig.Builder b =
        ServerConfig.builder(home)
            .host(host)
            .port(port)
            .webhookSecret(secret)
            .workers(workers)
            .hostEnv(env());
    if (tlsCert != null && tlsKey != null) {
      b.tls(tlsCert, tlsKey);
    }
    b.notifyEndpoints(endpoints());
    ServerConfig config = b.build();
    return runUntilStopped(config, stores, out(), err(), null);
  }

  /**
   * Serves until Ctrl-C, TERM or an interrupt: the URL on {@code out} first ({@code banner} before
   * it, when given), the server's events on {@code err}.
   */
  static Integer runUntilStopped(
      ServerConfig config,
      ServerStores stores,
      java.io.PrintWriter out,
      java.io.PrintWriter err,
      @Nullable String banner)
      throws Exception {
    CairnServer server =
        CairnServer.start(
            config,
            stores,
            event -> {
              err.println("cairn serve: " + Text.escape(event));
              err.flush();
            });
    Thread hook = new Thread(server::close, "cairn-serve-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    try {
      if (banner != null) {
        out.println(banner);
      }
      out.println(server.uri());
      out.flush();
      err.println("cairn serve: serving " + server.uri() + " from " + config.home().root());
      err.flush();
      new CountDownLatch(1).await(); // until Ctrl-C or TERM (the hook stops it) or an interrupt
    } catch (InterruptedException e) {
      interrupted = true; // stop first (a stop waits for requests), then keep the interrupt
    } finally {
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return Main.OK;
  }

  /** The --notify endpoints, each signed with the --notify-secret-file secret. */
  private List<dev.cairn.server.notify.Endpoint> endpoints() throws ExitException {
    if (notify.isEmpty()) {
      if (notifySecretFile != null || !notifyEvents.isEmpty()) {
        throw ExitException.usage(
            "--notify-secret-file and --notify-events need --notify", "name the endpoint's URL");
      }
      return List.of();
    }
    if (notifySecretFile == null) {
      throw ExitException.usage(
          "notifications are signed: --notify needs --notify-secret-file",
          "pass a file holding a secret of 16 or more bytes that the endpoint checks");
    }
    Set<dev.cairn.server.notify.Notification.Kind> kinds =
        EnumSet.noneOf(dev.cairn.server.notify.Notification.Kind.class);
    for (String k : notifyEvents) {
      kinds.add(
          dev.cairn.server.notify.Notification.Kind.of(k.strip())
              .orElseThrow(
                  () ->
                      ExitException.usage(
                          "--notify-events " + Text.escape(k) + " is not an event",
                          "pass new-findings, gate-refused, certificate-expiring or"
                              + " certificate-revoked")));
    }
    Secret key = readSecret(notifySecretFile, "--notify-secret-file");
    List<dev.cairn.server.notify.Endpoint> out = new ArrayList<>();
    for (String u : notify) {
      try {
        out.add(new dev.cairn.server.notify.Endpoint(java.net.URI.create(u), key, kinds));
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            "--notify " + Text.escape(u) + ": " + e.getMessage(),
            "pass an http(s) URL such as https://hooks.example/cairn");
      }
    }
    return out;
  }

  /** Registers each {@code --cluster NAME=KUBECONFIG} on {@code --schedule} (replacing one). */
  private void register(ServerStores stores) throws Exception {
    for (String c : clusters) {
      int eq = c.indexOf('=');
      if (eq <= 0 || eq == c.length() - 1) {
        throw ExitException.usage(
            "--cluster " + Text.escape(c) + " is not NAME=KUBECONFIG",
            "pass e.g. --cluster prod=/etc/cairn/prod.kubeconfig");
      }
      Path kubeconfig = Path.of(c.substring(eq + 1)).toAbsolutePath();
      if (!Files.isRegularFile(kubeconfig) || !Files.isReadable(kubeconfig)) {
        throw ExitException.usage(
            "--cluster " + Text.escape(c) + ": no readable kubeconfig at " + kubeconfig,
            "pass the path of the cluster's kubeconfig");
      }
      ClusterStore.Cluster cluster;
      try {
        cluster =
            new ClusterStore.Cluster(
                c.substring(0, eq), kubeconfig.toString(), schedule, Instant.now());
      } catch (Cron.InvalidSchedule e) {
        throw ExitException.usage("--schedule: " + e.getMessage(), "write " + e.hint());
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            "--cluster " + Text.escape(c) + ": " + e.getMessage(),
            "name it with lower-case letters, digits and '-'");
      }
      stores.clusters().put(cluster);
      err().println("cairn serve: cluster " + cluster.name() + " is scanned on '" + schedule + "'");
      err().flush();
    }
    if (clusters.isEmpty() && !schedule.equals("@daily")) {
      throw ExitException.usage(
          "--schedule needs --cluster", "pass --cluster NAME=KUBECONFIG for the cluster to scan");
    }
  }

  private Secret secret() throws ExitException {
    if (secretFile == null) {
      throw ExitException.usage(
          "the server needs a webhook secret: without one it would accept anybody's push",
          "pass --webhook-secret-file FILE, a file holding the secret the forge signs with");
    }
    return readSecret(secretFile, "the webhook secret");
  }

  private static Secret readSecret(Path file, String what) throws ExitException {
    byte[] b;
    try {
      b = Files.readAllBytes(file);
    } catch (IOException e) {
      throw ExitException.usage(
          "cannot read " + what + " " + file + ": " + Text.describe(e),
          "check the path and its permissions");
    }
    int end = b.length;
    while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r')) {
      end--;
    }
    if (end == 0) {
      throw ExitException.usage(
          what + " file " + file + " is empty",
          "write a secret of 32 or more random bytes into it");
    }
    return Secret.of(java.util.Arrays.copyOf(b, end));
  }
}
