package dev.cairn.pipeline;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code cairn pipeline run} names: {@code DIR} (a local repository or directory), {@code
 * DIR@COMMIT} or {@code URL@COMMIT}.
 *
 * @param repository the directory (absolute) or the URL
 * @param commit the commit, or {@code ""} for a directory's working tree
 * @param remote whether {@code repository} is a URL
 */
public record RunTarget(String repository, String commit, boolean remote) {

  /**
   * Parses a target.
   *
   * @throws PipelineException for a URL without a commit, or a commit that is not hex
   */
  public static RunTarget parse(String text) throws PipelineException {
    String t = text.strip();
    int at = t.lastIndexOf('@');
    String where = t;
    String commit = "";
    // user@host URLs have an '@' before the path; a commit has no '/' or ':' after it
    if (at > 0 && !t.substring(at + 1).contains("/") && !t.substring(at + 1).contains(":")) {
      where = t.substring(0, at);
      commit = t.substring(at + 1).toLowerCase(Locale.ROOT);
      if (!commit.matches("[0-9a-f]{7,64}")) {
        throw new PipelineException(
            "'" + dev.cairn.core.Text.escape(commit) + "' is not a commit id",
            "give the commit as hex, e.g. URL@3f2a9c1");
      }
    }
    boolean remote =
        where.matches("(?i)(https?|ssh|git|file)://.*") || where.matches("[^/]+@[^/]+:.*");
    if (remote && commit.isEmpty()) {
      throw new PipelineException(
          "a repository URL needs the commit to run: " + dev.cairn.core.Text.escape(where),
          "write it as URL@COMMIT, so that the run builds exactly that commit");
    }
    if (where.isEmpty()) {
      throw new PipelineException("no repository given", "name a directory or URL@COMMIT");
    }
    return new RunTarget(
        remote ? where : Path.of(where).toAbsolutePath().normalize().toString(), commit, remote);
  }
}
