package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunEngine;
import dev.cairn.pipeline.RunListener;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.testing.GitHttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed GitHub push over real HTTP starts a run of the pipeline file as it is at the pushed
 * commit (not at the branch's head when the run starts); a forged one starts nothing.
 */
class DeliveryListenIT {
  static final String SECRET = "listen-secret-do-not-leak";
  static final String TOKEN = "git-token-do-not-leak";

  @TempDir Path dir;

  @Test
  void signedPush_runsThePipelineAtThatCommit_forgedStartsNothing() throws Exception {
    Path bare = dir.resolve("srv/app.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    Path repo = Files.createDirectories(dir.resolve("app/.cairn")).getParent();
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "steps:\n  - checkout: {}\n    secrets: {GIT_TOKEN: git-token}\n  - name: hello\n    run: {command: [sh, -c, 'cat version.txt']}\n");
    Files.writeString(repo.resolve("version.txt"), "one\n");
    String first;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      first = commit(git, "one");
      // a later commit on the branch, pushed before the run starts, must not be what runs
      Files.writeString(repo.resolve("version.txt"), "two\n");
      git.add().addFilepattern(".").call();
      commit(git, "two");
      git.push()
          .setRemote(bare.toUri().toString())
          .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
          .call();
    }
    CairnHome home = CairnHome.of(dir.resolve("home"));
    List<String> started = new CopyOnWriteArrayList<>();
    List<String> logs = new CopyOnWriteArrayList<>();
    try (GitHttpServer git = new GitHttpServer(dir.resolve("srv"), "x-access-token", TOKEN);
        RunEngine engine =
            Delivery.engine(
                home,
                System.getenv(),
                SecretSource.of(Map.of("git-token", Secret.ofUtf8(TOKEN))),
                new RunListener() {
                  @Override
                  public void log(String runId, String step, String line) {
                    logs.add(step + ": " + line);
                  }
                });
        Delivery.Listener l =
            Delivery.listen(
                home,
                Secret.ofUtf8(SECRET),
                GitAuth.token(Secret.ofUtf8(TOKEN)),
                engine,
                new InetSocketAddress("127.0.0.1", 0),
                started::add,
                problem -> logs.add("failed: " + problem))) {
      String body = push(git.url("app.git"), first);
      HttpClient http = HttpClient.newHttpClient();
      assertThat(send(http, l.uri(), body, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
      assertThat(send(http, l.uri(), body, "sha256=" + hmac(body)).statusCode()).isEqualTo(202);

      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> !started.isEmpty() || logs.stream().anyMatch(x -> x.startsWith("failed")));
      assertThat(started).as(String.join("\n", logs)).hasSize(1);
      String runId = started.get(0).split(" ")[0];
      RunRecord r = engine.await(runId, Duration.ofMinutes(2));
      assertThat(r.state()).as(String.join("\n", logs)).isEqualTo(RunState.SUCCEEDED);
      assertThat(r.commit()).isEqualTo(first);
      assertThat(r.trigger().source()).isEqualTo("github");
      assertThat(logs).contains("hello: one").doesNotContain("hello: two");
      assertThat(started).hasSize(1);
      assertThat(Pipelines.runs(engine.store())).hasSize(1);
    }
  }

  @Test
  void theLocalForge_servesItsCommits_andItsSignedWebhooksRunThem() throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    List<String> started = new CopyOnWriteArrayList<>();
    List<String> logs = new CopyOnWriteArrayList<>();
    try (dev.cairn.pipeline.source.LocalForge forge =
            dev.cairn.pipeline.source.LocalForge.start(
                dir.resolve("forge"), java.time.Clock.systemUTC());
        RunEngine engine =
            Delivery.engine(
                home,
                System.getenv(),
                SecretSource.of(Map.of()),
                new RunListener() {
                  @Override
                  public void log(String runId, String step, String line) {
                    logs.add(step + ": " + line);
                  }
                });
        Delivery.Listener l =
            Delivery.listen(
                home,
                Secret.ofUtf8(SECRET),
                GitAuth.none(),
                engine,
                new InetSocketAddress("127.0.0.1", 0),
                started::add,
                problem -> logs.add("failed: " + problem))) {
      var first =
          forge.commit(
              "app",
              Map.of(
                  ".cairn/pipeline.yaml",
                  "steps:\n  - checkout: {}\n  - name: show\n    run: {command: [cat, v.txt]}\n",
                  "v.txt",
                  "one\n"),
              "one");
      var second = forge.commit("app", Map.of("v.txt", "two\n"), "two");
      assertThat(first.before()).isEqualTo("0".repeat(40));
      assertThat(second.before()).isEqualTo(first.commit());
      assertThat(second.cloneUrl()).isEqualTo(forge.cloneUrl("app"));
      HttpClient http = HttpClient.newHttpClient();
      for (var push : List.of(first, second)) {
        var hook = forge.githubWebhook(push, Secret.ofUtf8(SECRET));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(l.uri() + "/github"));
        hook.headers().forEach(b::header);
        assertThat(
                http.send(
                        b.POST(HttpRequest.BodyPublishers.ofByteArray(hook.body())).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(202);
      }
      // signed with another secret: refused
      var forged = forge.githubWebhook(second, Secret.ofUtf8("not-the-secret"));
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(l.uri() + "/github"));
      forged.headers().forEach(b::header);
      assertThat(
              http.send(
                      b.POST(HttpRequest.BodyPublishers.ofByteArray(forged.body())).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);
      await().atMost(Duration.ofMinutes(2)).until(() -> started.size() == 2);
      for (String s : started) {
        RunRecord r = engine.await(s.split(" ")[0], Duration.ofMinutes(2));
        assertThat(r.state()).as(String.join("\n", logs)).isEqualTo(RunState.SUCCEEDED);
      }
      assertThat(logs).contains("show: one", "show: two");
    }
  }

  @Test
  void aTriggerLeftInTheInbox_runsWhenTheNextListenerStarts() throws Exception {
    Path bare = dir.resolve("srv/app.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    Path repo = Files.createDirectories(dir.resolve("app/.cairn")).getParent();
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "steps:\n  - name: hello\n    run: {command: [sh, -c, 'echo left over']}\n");
    String first;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      first = commit(git, "one");
      git.push()
          .setRemote(bare.toUri().toString())
          .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
          .call();
    }
    CairnHome home = CairnHome.of(dir.resolve("home"));
    // what a listener killed between its 202 and the run's submission leaves behind
    Inbox inbox = Inbox.in(home.dir("webhooks"));
    Path file = inbox.put(trigger("left-1", bare.toUri().toString(), first));
    assertThat(Inbox.read(file)).isEqualTo(trigger("left-1", bare.toUri().toString(), first));
    List<String> started = new CopyOnWriteArrayList<>();
    List<String> problems = new CopyOnWriteArrayList<>();
    try (RunEngine engine =
            Delivery.engine(
                home, System.getenv(), SecretSource.of(Map.of()), new RunListener() {});
        Delivery.Listener l =
            Delivery.listen(
                home,
                Secret.ofUtf8(SECRET),
                GitAuth.none(),
                engine,
                new InetSocketAddress("127.0.0.1", 0),
                started::add,
                problems::add)) {
      await().atMost(Duration.ofMinutes(1)).until(() -> !started.isEmpty());
      assertThat(problems).isEmpty();
      RunRecord r = engine.await(started.get(0).split(" ")[0], Duration.ofMinutes(1));
      assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(r.trigger().deliveryId()).isEqualTo("left-1");
      assertThat(inbox.pending()).isEmpty();
    }
  }

  @Test
  void anUnreachableRepository_isTriedAgain_thenTheTriggerIsKept() throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    List<String> problems = new CopyOnWriteArrayList<>();
    List<String> started = new CopyOnWriteArrayList<>();
    String nowhere = "http://127.0.0.1:9/nothing.git"; // the discard port: refused
    try (RunEngine engine =
            Delivery.engine(
                home, System.getenv(), SecretSource.of(Map.of()), new RunListener() {});
        Delivery.Listener l =
            Delivery.listen(
                home,
                Secret.ofUtf8(SECRET),
                GitAuth.none(),
                engine,
                new InetSocketAddress("127.0.0.1", 0),
                started::add,
                problems::add,
                List.of(Duration.ofMillis(50), Duration.ofMillis(50)))) {
      String body = push(nowhere, "a".repeat(40));
      HttpClient http = HttpClient.newHttpClient();
      assertThat(send(http, l.uri(), body, "sha256=" + hmac(body)).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofMinutes(1)).until(() -> problems.size() >= 3);
      assertThat(problems.get(0)).contains("cannot run", "trying again in");
      assertThat(problems.get(2)).contains("the trigger is kept in", "failed");
      assertThat(started).isEmpty();
      Inbox inbox = Inbox.in(home.dir("webhooks"));
      assertThat(inbox.pending()).isEmpty();
      try (var kept = Files.list(home.dir("webhooks").resolve("inbox/failed"))) {
        assertThat(kept.toList()).hasSize(1);
      }
    }
  }

  @Test
  void aPortInUse_isAnError_thatLeavesTheHomeUsable() throws Exception {
    CairnHome home = CairnHome.of(dir.resolve("home"));
    CairnHome other = CairnHome.of(dir.resolve("other"));
    try (RunEngine engine =
            Delivery.engine(
                home, System.getenv(), SecretSource.of(Map.of()), new RunListener() {});
        Delivery.Listener first =
            Delivery.listen(
                other,
                Secret.ofUtf8(SECRET),
                GitAuth.none(),
                engine,
                new InetSocketAddress("127.0.0.1", 0),
                x -> {},
                x -> {})) {
      InetSocketAddress taken = new InetSocketAddress("127.0.0.1", first.uri().getPort());
      assertThatThrownBy(
              () ->
                  Delivery.listen(
                      home, Secret.ofUtf8(SECRET), GitAuth.none(), engine, taken, x -> {}, x -> {}))
          .isInstanceOf(dev.cairn.core.CairnException.class);
      // the failed start let go of the home's delivery store: a listener can start there
      try (Delivery.Listener again =
          Delivery.listen(
              home,
              Secret.ofUtf8(SECRET),
              GitAuth.none(),
              engine,
              new InetSocketAddress("127.0.0.1", 0),
              x -> {},
              x -> {})) {
        assertThat(again.uri().getPort()).isPositive();
      }
    }
  }

  private static dev.cairn.pipeline.webhook.Trigger trigger(
      String delivery, String cloneUrl, String commit) {
    return new dev.cairn.pipeline.webhook.Trigger(
        dev.cairn.pipeline.webhook.SourceKind.GITHUB,
        delivery,
        new dev.cairn.pipeline.webhook.Trigger.Repository("app", "team/app", cloneUrl),
        "refs/heads/main",
        commit,
        "0".repeat(40),
        "alice",
        List.of("version.txt"),
        true,
        Instant.parse("2026-12-01T10:00:00Z"));
  }

  private static String commit(Git git, String message) throws Exception {
    return git.commit()
        .setMessage(message)
        .setAuthor("dev", "dev@example.com")
        .setCommitter("dev", "dev@example.com")
        .setSign(false)
        .call()
        .getName();
  }

  private static String push(String cloneUrl, String commit) {
    Map<String, Object> head =
        Map.of(
            "id",
            commit,
            "message",
            "one",
            "added",
            List.of("version.txt"),
            "removed",
            List.of(),
            "modified",
            List.of());
    return Json.canonical(
        Map.of(
            "ref",
            "refs/heads/main",
            "before",
            "0".repeat(40),
            "after",
            commit,
            "created",
            true,
            "deleted",
            false,
            "commits",
            List.of(head),
            "head_commit",
            head,
            "repository",
            Map.of(
                "name",
                "app",
                "full_name",
                "team/app",
                "clone_url",
                cloneUrl,
                "pushed_at",
                Instant.now().getEpochSecond()),
            "pusher",
            Map.of("name", "alice")));
  }

  private static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static HttpResponse<String> send(HttpClient http, URI hooks, String body, String sig)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(hooks + "/github"))
            .header("X-GitHub-Event", "push")
            .header("X-GitHub-Delivery", UUID.randomUUID().toString())
            .header("X-Hub-Signature-256", sig)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
