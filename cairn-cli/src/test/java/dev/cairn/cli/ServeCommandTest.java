package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn serve} on port 0 prints its URL on stdout and answers /healthz there. */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void serve_printsItsUrl_answersHealthz_andPrintsAnInitTokenOnce() throws Exception {
    serveAndUseAnInitToken(dir);
    // the default store is the embedded database in the home
    assertThat(dir.resolve("home/server/cairn.mv.db")).exists();
  }

  @Test
  void serve_onTheFilesOfTheHome() throws Exception {
    serveAndUseAnInitToken(dir, "--db", "files");
    assertThat(dir.resolve("home/server/cairn.mv.db")).doesNotExist();
  }

  /** Starts {@code cairn serve} with an init token, uses it, stops the server. */
  static void serveAndUseAnInitToken(Path dir, String... extra) throws Exception {
    Path secret = dir.resolve("hook.secret");
    Files.writeString(secret, "a-webhook-secret-of-some-length-0123456789\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("CAIRN_HOME");
    AtomicInteger code = new AtomicInteger(-1);
    Thread t =
        Thread.ofPlatform()
            .start(
                () ->
                    code.set(
                        Main.run(
                            java.util.stream.Stream.concat(
                                    java.util.stream.Stream.of(
                                        "serve",
                                        "--port",
                                        "0",
                                        "--home",
                                        dir.resolve("home").toString(),
                                        "--webhook-secret-file",
                                        secret.toString(),
                                        "--init-token",
                                        "first-sec",
                                        "--duty",
                                        "sec"),
                                    java.util.Arrays.stream(extra))
                                .toList()
                                .toArray(String[]::new),
                            new PrintWriter(out, true),
                            new PrintWriter(err, true),
                            env)));
    Pattern url = Pattern.compile("(?m)^(http://127\\.0\\.0\\.1:\\d+)$");
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> url.matcher(out.toString()).find() || !t.isAlive());
    Matcher m = url.matcher(out.toString());
    assertThat(m.find()).as(err.toString()).isTrue();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> h =
        http.send(
            HttpRequest.newBuilder(URI.create(m.group(1) + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.body()).contains("\"status\":\"ok\"");
    Matcher tok =
        Pattern.compile("token first-sec \\(Sec\\), shown this once: (cairn_\\S+)")
            .matcher(out.toString());
    assertThat(tok.find()).as(out.toString()).isTrue();
    HttpResponse<String> me =
        http.send(
            HttpRequest.newBuilder(URI.create(m.group(1) + "/api/v1/me"))
                .header("Authorization", "Bearer " + tok.group(1))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(me.body()).contains("\"duties\":[\"Sec\"]");
    assertThat(err.toString()).doesNotContain("a-webhook-secret").doesNotContain(tok.group(1));
    t.interrupt();
    t.join(Duration.ofMinutes(1));
    assertThat(code.get()).isZero();
  }

  @Test
  void serve_withoutAWebhookSecret_isAUsageError() {
    CliTest.Run r = CliTest.run(dir.resolve("home"), "serve", "--port", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("cairn: the server needs a webhook secret")
        .contains("perhaps you should pass --webhook-secret-file FILE");
  }

  @Test
  void serve_registersClusters_onASchedule() throws Exception {
    Path kc = dir.resolve("prod.kubeconfig");
    Files.writeString(kc, "apiVersion: v1\nkind: Config\n");
    serveAndUseAnInitToken(
        dir, "--db", "files", "--cluster", "prod=" + kc, "--schedule", "30 2 * * MON-FRI");
    assertThat(Files.readString(dir.resolve("home/server/clusters.json")))
        .contains("\"name\" : \"prod\"")
        .contains("30 2 * * MON-FRI")
        .contains(kc.toAbsolutePath().toString());
  }

  @Test
  void serve_withABadSchedule_isAUsageError_namingTheField() throws Exception {
    Path secret = dir.resolve("hook.secret");
    Files.writeString(secret, "a-webhook-secret-of-some-length-0123456789\n");
    Path kc = dir.resolve("prod.kubeconfig");
    Files.writeString(kc, "apiVersion: v1\nkind: Config\n");
    CliTest.Run r =
        CliTest.run(
            dir.resolve("home"),
            "serve",
            "--port",
            "0",
            "--db",
            "files",
            "--webhook-secret-file",
            secret.toString(),
            "--cluster",
            "prod=" + kc,
            "--schedule",
            "0 3 * * FUN");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(
            "cairn: --schedule: not a cron schedule: '0 3 * * FUN': the day-of-week field 'FUN'")
        .contains("perhaps you should write five fields");
  }
}
