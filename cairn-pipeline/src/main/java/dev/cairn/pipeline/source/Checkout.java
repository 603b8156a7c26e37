package dev.cairn.pipeline.source;

import dev.cairn.core.Digest;
import dev.cairn.pipeline.source.internal.GitCheckout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A repository checked out at one commit: the entry point ({@link #at}) and its result.
 *
 * @param repository the repository as given, with any credentials removed
 * @param commit the full commit id that is checked out (HEAD is detached there)
 * @param tree git's id of the commit's tree
 * @param treeDigest SHA-256 over the checked-out files: for each file in path order, {@code "<mode>
 *     <sha256 of content> <path>\n"} (mode {@code 100644}, {@code 100755} or {@code 120000} for a
 *     symbolic link, whose content is its target); the same for the same files whatever the git
 *     hashing
 * @param dir the working tree
 * @param shallow whether only the commit was fetched (the server allowed a fetch by id)
 */
public record Checkout(
    String repository, String commit, String tree, Digest treeDigest, Path dir, boolean shallow) {

  /** The default limit of one network operation of git (connect, read). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  public Checkout {
    Objects.requireNonNull(repository);
    Objects.requireNonNull(commit);
    Objects.requireNonNull(tree);
    Objects.requireNonNull(treeDigest);
    Objects.requireNonNull(dir);
  }

  /**
   * Fetches {@code commit} from {@code repository} into {@code dir} and checks it out (detached),
   * whatever the branches point at now. {@code dir} must not exist, be empty, or hold an earlier
   * checkout of the same repository (which is fetched into and cleaned).
   *
   * @param repository {@code file://}, {@code http://} or {@code https://} URL, or a local path;
   *     credentials in the URL are refused (give them as {@code auth})
   * @param commit the full commit id (40 hex digits, or 64 for a SHA-256 repository)
   * @throws CheckoutException when the commit does not exist, the server refuses, or {@code dir} is
   *     in the way
   */
  public static Checkout at(String repository, String commit, GitAuth auth, Path dir)
      throws CheckoutException {
    return at(repository, commit, auth, dir, DEFAULT_TIMEOUT, e -> {});
  }

  /** As {@link #at(String, String, GitAuth, Path)}, with a network timeout and progress events. */
  public static Checkout at(
      String repository,
      String commit,
      GitAuth auth,
      Path dir,
      Duration timeout,
      Consumer<? super CheckoutEvent> listener)
      throws CheckoutException {
    return GitCheckout.run(repository, commit, auth, dir, timeout, listener);
  }

  /**
   * The full id of the commit {@code abbreviation} names in the local repository at {@code dir}
   * (its work tree or its {@code .git}): what a person types, e.g. {@code 3f2a9c1}, made exact for
   * the run's records.
   *
   * @throws CheckoutException when {@code dir} is no repository, or the abbreviation names no
   *     commit or more than one
   */
  public static String resolve(Path dir, String abbreviation) throws CheckoutException {
    return GitCheckout.resolve(dir, abbreviation);
  }
}
