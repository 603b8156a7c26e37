package dev.cairn.pipeline.source.internal;

import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.pipeline.source.Checkout;
import dev.cairn.pipeline.source.CheckoutEvent;
import dev.cairn.pipeline.source.CheckoutException;
import dev.cairn.pipeline.source.GitAuth;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.jspecify.annotations.Nullable;

/** {@link Checkout#at} with JGit: fetch the one commit (shallow) or, failing that, every ref. */
public final class GitCheckout {
  private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
  private static final String CHECKOUT_REF = "refs/cairn/checkout";

  private GitCheckout() {}

  /** {@link Checkout#resolve}. */
  public static String resolve(Path dir, String abbreviation) throws CheckoutException {
    String shown = Text.escape(abbreviation);
    try (Git git = Git.open(dir.toFile())) {
      org.eclipse.jgit.lib.ObjectId id =
          git.getRepository().resolve(abbreviation.toLowerCase(Locale.ROOT) + "^{commit}");
      if (id == null) {
        throw new CheckoutException(
            "no commit " + shown + " in " + dir,
            "give a commit of that repository (git log shows them)",
            Fix.of("checkout.commit", "commit", shown),
            null);
      }
      return id.name();
    } catch (org.eclipse.jgit.errors.AmbiguousObjectException e) {
      throw new CheckoutException(
          "'" + shown + "' names more than one object in " + dir,
          "give more digits of the commit id",
          Fix.of("checkout.commit", "commit", shown),
          e);
    } catch (IOException | org.eclipse.jgit.errors.RevisionSyntaxException e) {
      throw new CheckoutException(
          "cannot read the commit " + shown + " of " + dir + ": " + e.getMessage(),
          "run it on a git repository's directory",
          Fix.of("checkout.commit", "commit", shown),
          e);
    }
  }

  public static Checkout run(
      String repository,
      String commit,
      GitAuth auth,
      Path dir,
      Duration timeout,
      Consumer<? super CheckoutEvent> listener)
      throws CheckoutException {
    String shown = displayName(repository);
    String id = commit.toLowerCase(Locale.ROOT);
    if (!SHA1.matcher(id).matches()) {
      throw new CheckoutException(
          "'"
              + Text.escape(commit)
              + "' is not a full commit id (40 hex digits) for "
              + shown
              + (id.matches("[0-9a-f]{64}") ? ": SHA-256 repositories are not supported" : ""),
          "give the full commit id of the event, not a branch, tag or abbreviation",
          Fix.of("checkout.commit", "commit", Text.escape(commit)),
          null);
    }
    @Nullable Secret token = auth instanceof GitAuth.Token t ? t.token() : null;
    CredentialsProvider credentials =
        auth instanceof GitAuth.Token t
            ? new UsernamePasswordCredentialsProvider(
                t.username(), new String(t.token().bytes(), StandardCharsets.UTF_8))
            : CredentialsProvider.getDefault();
    int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    try (Git git = open(dir, repository, shown)) {
      Repository repo = git.getRepository();
      ProgressMonitor monitor = new Monitor(listener);
      boolean shallow = true;
      listener.accept(new CheckoutEvent.Fetching(shown, true));
      try {
        git.fetch()
            .setRemote(repository)
            .setRefSpecs(new RefSpec("+" + id + ":" + CHECKOUT_REF))
            .setDepth(1)
            .setCredentialsProvider(credentials)
            .setTimeout(seconds)
            .setProgressMonitor(monitor)
            .call();
      } catch (TransportException e) {
        if (refusedCredentials(e) || unreachable(e)) {
          throw transportError(shown, e, token, auth);
        }
        // the server does not allow a fetch by id (uploadpack.allowReachableSHA1InWant): all refs
        shallow = false;
        listener.accept(new CheckoutEvent.Fetching(shown, false));
        try {
          var fetch =
              git.fetch()
                  .setRemote(repository)
                  .setRefSpecs(
                      new RefSpec("+refs/heads/*:refs/remotes/origin/*"),
                      new RefSpec("+refs/tags/*:refs/tags/*"))
                  .setCredentialsProvider(credentials)
                  .setTimeout(seconds)
                  .setProgressMonitor(monitor);
          if (Files.exists(repo.getDirectory().toPath().resolve("shallow"))) {
            fetch.setUnshallow(true);
          }
          fetch.call();
        } catch (TransportException e2) {
          throw transportError(shown, e2, token, auth);
        }
      }
      ObjectId oid = ObjectId.fromString(id);
      RevCommit c;
      try (RevWalk walk = new RevWalk(repo)) {
        c = walk.parseCommit(oid);
      } catch (MissingObjectException e) {
        throw new CheckoutException(
            "commit " + id + " does not exist in " + shown,
            "check the commit of the event; a force-push may have removed it",
            Fix.of("checkout.commit", "commit", id, "repository", shown),
            null);
      } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
        throw new CheckoutException(
            id + " in " + shown + " is not a commit",
            "give the commit id of the event",
            Fix.of("checkout.commit", "commit", id, "repository", shown),
            null);
      }
      git.checkout().setForced(true).setName(id).call();
      git.clean().setCleanDirectories(true).setIgnore(false).setForce(true).call();
      Checkout result =
          new Checkout(shown, id, c.getTree().name(), treeDigest(repo, c), dir, shallow);
      listener.accept(new CheckoutEvent.CheckedOut(result));
      return result;
    } catch (GitAPIException | IOException e) {
      throw new CheckoutException(
          "checkout of " + id + " from " + shown + " failed: " + scrub(message(e), token),
          "check the repository and the working directory " + dir,
          Fix.of("checkout.failed", "repository", shown),
          null);
    } finally {
      if (credentials instanceof UsernamePasswordCredentialsProvider p) {
        p.clear();
      }
    }
  }

  private static Git open(Path dir, String repository, String shown)
      throws CheckoutException, IOException, GitAPIException {
    if (Files.isDirectory(dir.resolve(".git"))) {
      Git git = Git.open(dir.toFile());
      String url = git.getRepository().getConfig().getString("remote", "origin", "url");
      if (!repository.equals(url)) {
        git.close();
        throw new CheckoutException(
            dir + " holds a checkout of another repository",
            "use a fresh directory for " + shown,
            Fix.of("checkout.dir", "dir", dir.toString()),
            null);
      }
      return git;
    }
    if (Files.exists(dir)) {
      boolean empty;
      try (Stream<Path> s = Files.list(dir)) {
        empty = s.findAny().isEmpty();
      }
      if (!empty) {
        throw new CheckoutException(
            dir + " is not empty and is not a checkout",
            "use an empty directory for the checkout",
            Fix.of("checkout.dir", "dir", dir.toString()),
            null);
      }
    }
    Files.createDirectories(dir);
    Git git = Git.init().setDirectory(dir.toFile()).call();
    StoredConfig config = git.getRepository().getConfig();
    config.setString("remote", "origin", "url", repository);
    config.setString("protocol", null, "version", "2");
    config.save();
    return git;
  }

  /** The repository as shown to people: no credentials, no control characters. */
  static String displayName(String repository) throws CheckoutException {
    if (repository.matches("(?i)[a-z][a-z0-9+.-]*://.*")) {
      URI uri;
      try {
        uri = new URI(repository);
      } catch (URISyntaxException e) {
        throw new CheckoutException(
            "the repository URL is not a valid URL: " + e.getReason(),
            "check the repository URL",
            Fix.of("checkout.url"),
            null);
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("file") && !scheme.equals("http") && !scheme.equals("https")) {
        throw new CheckoutException(
            "repository scheme '" + Text.escape(scheme) + "' is not supported (file, http, https)",
            "give a file://, http:// or https:// URL",
            Fix.of("checkout.url"),
            null);
      }
      if (uri.getRawUserInfo() != null) {
        throw new CheckoutException(
            "the repository URL has credentials in it ("
                + scheme
                + "://"
                + "***@"
                + uri.getHost()
                + "...)",
            "give the token as a secret, not in the URL",
            Fix.of("checkout.url.credentials"),
            null);
      }
    }
    return Text.escape(repository);
  }

  private static boolean refusedCredentials(TransportException e) {
    String m = message(e).toLowerCase(Locale.ROOT);
    return m.contains("not authorized")
        || m.contains("authentication is required")
        || m.contains("401")
        || m.contains("403")
        || m.contains("auth");
  }

  private static boolean unreachable(TransportException e) {
    String m = message(e).toLowerCase(Locale.ROOT);
    return m.contains("connection refused")
        || m.contains("cannot open")
        || m.contains("timed out")
        || m.contains("timeout")
        || m.contains("unknownhost")
        || m.contains("unknown host")
        || m.contains("not found")
        || m.contains("404")
        || m.contains("not a git repository")
        || m.contains("does not appear to be a git repository")
        || m.contains("no route");
  }

  private static CheckoutException transportError(
      String shown, TransportException e, @Nullable Secret token, GitAuth auth) {
    if (refusedCredentials(e)) {
      return new CheckoutException(
          shown
              + (auth instanceof GitAuth.None
                  ? " needs credentials"
                  : " refused the credentials ("
                      + ((GitAuth.Token) auth).username()
                      + " and a token)"),
          auth instanceof GitAuth.None
              ? "give a token for the repository as a secret"
              : "check that the token is current and may read the repository",
          Fix.of("checkout.auth", "repository", shown),
          null);
    }
    return new CheckoutException(
        "cannot fetch from " + shown + ": " + scrub(message(e), token),
        "check the repository URL and that the server is reachable",
        Fix.of("checkout.unreachable", "repository", shown),
        null);
  }

  private static String message(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 600; t = t.getCause()) {
      if (t.getMessage() != null && sb.indexOf(t.getMessage()) < 0) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(t.getMessage());
      }
    }
    return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
  }

  /** One line, with the token (should a library ever echo it) replaced by {@code ***}. */
  static String scrub(String message, @Nullable Secret token) {
    String m = message;
    if (token != null && token.length() > 0) {
      String t = new String(token.bytes(), StandardCharsets.UTF_8);
      m = m.replace(t, "***");
    }
    return Text.escape(m.strip());
  }

  private static Digest treeDigest(Repository repo, RevCommit c) throws IOException {
    MessageDigest all = Digest.newSha256();
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(c.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        FileMode mode = walk.getFileMode(0);
        String hash;
        if (mode == FileMode.GITLINK) {
          hash = walk.getObjectId(0).name();
        } else {
          MessageDigest one = Digest.newSha256();
          try (InputStream in = repo.open(walk.getObjectId(0)).openStream()) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
              one.update(buf, 0, n);
            }
          }
          hash = HexFormat.of().formatHex(one.digest());
        }
        all.update(
            (String.format(Locale.ROOT, "%06o", mode.getBits())
                    + " "
                    + hash
                    + " "
                    + walk.getPathString()
                    + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    return Digest.ofSha256(all.digest());
  }

  /** JGit's progress as events, at most one per percent of a task. */
  private static final class Monitor implements ProgressMonitor {
    private final Consumer<? super CheckoutEvent> listener;
    private String task = "";
    private long total;
    private long done;
    private long lastShown = -1;

    Monitor(Consumer<? super CheckoutEvent> listener) {
      this.listener = listener;
    }

    @Override
    public void start(int totalTasks) {}

    @Override
    public void beginTask(String title, int totalWork) {
      task = title;
      total = Math.max(0, totalWork);
      done = 0;
      lastShown = -1;
      listener.accept(new CheckoutEvent.Progress(task, 0, total));
    }

    @Override
    public void update(int completed) {
      done += completed;
      long pct = total > 0 ? done * 100 / total : done / 1000;
      if (pct != lastShown) {
        lastShown = pct;
        listener.accept(new CheckoutEvent.Progress(task, done, total));
      }
    }

    @Override
    public void endTask() {
      listener.accept(new CheckoutEvent.Progress(task, total > 0 ? total : done, total));
    }

    @Override
    public boolean isCancelled() {
      return Thread.currentThread().isInterrupted();
    }

    @Override
    public void showDuration(boolean enabled) {}
  }
}
