package dev.cairn.pipeline.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import dev.cairn.testing.GitHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkouts against real repositories made with JGit: over {@code file://}, and over HTTP from
 * Debian's {@code git http-backend} with a token checked by basic authentication.
 */
class CheckoutIT {
  static final String TOKEN = "tok-3f9a1c7e5b2d";

  @TempDir Path tmp;
  Path bare;
  Git work;
  GitHttpServer server;
  String first;
  String second;

  @BeforeEach
  void repository() throws Exception {
    bare = tmp.resolve("srv/app.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    work = Git.init().setDirectory(tmp.resolve("work").toFile()).setInitialBranch("main").call();
    Path w = work.getRepository().getWorkTree().toPath();
    Files.writeString(w.resolve("Dockerfile"), "FROM scratch\nCOPY app.txt /app.txt\n");
    Files.writeString(w.resolve("app.txt"), "version 1\n");
    Files.writeString(w.resolve("only-in-first.txt"), "gone later\n");
    first = commit("first", 1).name();
    push();
    server = new GitHttpServer(tmp.resolve("srv"), "x-access-token", TOKEN);
  }

  @AfterEach
  void close() {
    work.close();
    server.close();
  }

  private RevCommit commit(String message, int second) throws Exception {
    work.add().addFilepattern(".").call();
    work.rm().addFilepattern("only-in-first.txt").setCached(false);
    PersonIdent who =
        new PersonIdent(
            "Dev",
            "dev@example.test",
            Instant.ofEpochSecond(1_700_000_000L + second),
            TimeZone.getTimeZone("UTC").toZoneId());
    return work.commit().setAll(true).setMessage(message).setAuthor(who).setCommitter(who).call();
  }

  private void push() throws Exception {
    work.push()
        .setRemote(bare.toUri().toString())
        .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
        .call();
  }

  /** The event named the first commit; a second one was pushed before the checkout ran. */
  private void pushSecond() throws Exception {
    Path w = work.getRepository().getWorkTree().toPath();
    Files.writeString(w.resolve("app.txt"), "version 2\n");
    Files.delete(w.resolve("only-in-first.txt"));
    second = commit("second", 2).name();
    push();
  }

  @Test
  void checkout_overHttpWithToken_isTheEventsCommitNotTheBranchHead() throws Exception {
    pushSecond();
    List<CheckoutEvent> events = new ArrayList<>();
    Path dir = tmp.resolve("co");
    Checkout c =
        Checkout.at(
            server.url("app.git"),
            first,
            GitAuth.token(Secret.ofUtf8(TOKEN)),
            dir,
            Duration.ofSeconds(30),
            events::add);

    assertThat(c.commit()).isEqualTo(first).isNotEqualTo(second);
    assertThat(Files.readString(dir.resolve("app.txt"))).isEqualTo("version 1\n");
    assertThat(dir.resolve("only-in-first.txt")).exists();
    try (Git g = Git.open(dir.toFile())) {
      assertThat(g.getRepository().resolve("HEAD").name()).isEqualTo(first);
    }
    assertThat(events).hasAtLeastOneElementOfType(CheckoutEvent.Fetching.class);
    assertThat(events.getLast()).isEqualTo(new CheckoutEvent.CheckedOut(c));
    assertThat(String.join("\n", server.requestLines())).doesNotContain(TOKEN);
    assertThat(c.toString()).doesNotContain(TOKEN);
  }

  @Test
  void checkout_serverAllowsFetchById_isShallow() throws Exception {
    pushSecond();
    try (Git b = Git.open(bare.toFile())) {
      var config = b.getRepository().getConfig();
      config.setBoolean("uploadpack", null, "allowAnySHA1InWant", true);
      config.save();
    }
    Path dir = tmp.resolve("co");
    Checkout c =
        Checkout.at(server.url("app.git"), first, GitAuth.token(Secret.ofUtf8(TOKEN)), dir);

    assertThat(c.shallow()).isTrue();
    assertThat(c.commit()).isEqualTo(first);
    assertThat(Files.readString(dir.resolve("app.txt"))).isEqualTo("version 1\n");
    try (Git g = Git.open(dir.toFile())) {
      assertThat(g.getRepository().getObjectDatabase().getShallowCommits()).hasSize(1);
    }
  }

  @Test
  void checkout_overFile_sameTreeDigestAsOverHttp() throws Exception {
    pushSecond();
    Checkout overFile =
        Checkout.at(bare.toUri().toString(), first, GitAuth.none(), tmp.resolve("a"));
    Checkout overHttp =
        Checkout.at(
            server.url("app.git"), first, GitAuth.token(Secret.ofUtf8(TOKEN)), tmp.resolve("b"));

    assertThat(overFile.commit()).isEqualTo(first);
    assertThat(Files.readString(tmp.resolve("a/app.txt"))).isEqualTo("version 1\n");
    assertThat(overFile.treeDigest()).isEqualTo(overHttp.treeDigest());
    assertThat(overFile.tree()).isEqualTo(overHttp.tree());
  }

  @Test
  void checkout_sameDirectoryAgain_fetchesAndCleans() throws Exception {
    Path dir = tmp.resolve("co");
    String url = bare.toUri().toString();
    Checkout.at(url, first, GitAuth.none(), dir);
    Files.writeString(dir.resolve("stray.txt"), "left by a step\n");
    pushSecond();

    Checkout c = Checkout.at(url, second, GitAuth.none(), dir);

    assertThat(c.commit()).isEqualTo(second);
    assertThat(Files.readString(dir.resolve("app.txt"))).isEqualTo("version 2\n");
    assertThat(dir.resolve("only-in-first.txt")).doesNotExist();
    assertThat(dir.resolve("stray.txt")).doesNotExist();
  }

  @Test
  void checkout_wrongToken_isAClearErrorWithoutTheToken() {
    String wrong = "wrong-token-77aa";
    assertThatThrownBy(
            () ->
                Checkout.at(
                    server.url("app.git"),
                    first,
                    GitAuth.token(Secret.ofUtf8(wrong)),
                    tmp.resolve("co")))
        .isInstanceOf(CheckoutException.class)
        .hasMessage(server.url("app.git") + " refused the credentials (x-access-token and a token)")
        .satisfies(e -> assertThat(stackText(e)).doesNotContain(wrong).doesNotContain(TOKEN));
  }

  @Test
  void checkout_noToken_saysCredentialsAreNeeded() {
    assertThatThrownBy(
            () -> Checkout.at(server.url("app.git"), first, GitAuth.none(), tmp.resolve("co")))
        .isInstanceOf(CheckoutException.class)
        .hasMessage(server.url("app.git") + " needs credentials");
  }

  @Test
  void checkout_commitThatDoesNotExist_isAOneLineError() {
    String missing = "0123456789abcdef0123456789abcdef01234567";
    assertThatThrownBy(
            () ->
                Checkout.at(
                    server.url("app.git"),
                    missing,
                    GitAuth.token(Secret.ofUtf8(TOKEN)),
                    tmp.resolve("co")))
        .isInstanceOf(CheckoutException.class)
        .hasMessage("commit " + missing + " does not exist in " + server.url("app.git"));
  }

  @Test
  void checkout_abbreviatedCommit_isRefused() {
    assertThatThrownBy(
            () ->
                Checkout.at(
                    bare.toUri().toString(),
                    first.substring(0, 7),
                    GitAuth.none(),
                    tmp.resolve("c")))
        .isInstanceOf(CheckoutException.class)
        .hasMessageContaining("is not a full commit id");
  }

  @Test
  void checkout_tokenInUrl_isRefusedWithoutEchoingIt() {
    String url = server.url("app.git").replace("http://", "http://u:" + TOKEN + "@");
    assertThatThrownBy(() -> Checkout.at(url, first, GitAuth.none(), tmp.resolve("c")))
        .isInstanceOf(CheckoutException.class)
        .hasMessageContaining("has credentials in it")
        .satisfies(e -> assertThat(stackText(e)).doesNotContain(TOKEN));
  }

  @Test
  void checkout_unreachableServer_isAClearError() throws Exception {
    String url = server.url("app.git");
    server.close();
    assertThatThrownBy(
            () -> Checkout.at(url, first, GitAuth.token(Secret.ofUtf8(TOKEN)), tmp.resolve("co")))
        .isInstanceOf(CheckoutException.class)
        .hasMessageStartingWith("cannot fetch from " + url + ": ")
        .satisfies(e -> assertThat(stackText(e)).doesNotContain(TOKEN));
  }

  private static String stackText(Throwable e) {
    var sw = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(sw));
    return sw.toString();
  }
}
