package dev.cairn.pipeline.source.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.RefSpec;

/** The local forge's git work with JGit: commits in a work tree, pushed to a bare repository. */
public final class LocalRepos {
  private LocalRepos() {}

  /**
   * Writes {@code files} into {@code work}, commits everything and pushes to {@code bare}'s {@code
   * main} (both made on first use); returns the branch's previous commit (all zeros for the first)
   * and the new one.
   */
  public static String[] commitAndPush(
      Path bare, Path work, Map<String, String> files, String message) throws IOException {
    try {
      if (!Files.isDirectory(bare)) {
        try (Git g =
            Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call()) {
          // as GitHub does: a client may fetch one reachable commit by its id (a shallow checkout)
          StoredConfig config = g.getRepository().getConfig();
          config.setBoolean("uploadpack", null, "allowReachableSHA1InWant", true);
          config.save();
        }
      }
      boolean fresh = !Files.isDirectory(work.resolve(".git"));
      try (Git git =
          fresh
              ? Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()
              : Git.open(work.toFile())) {
        ObjectId head = git.getRepository().resolve("HEAD");
        String before = head == null ? "0".repeat(40) : head.name();
        for (Map.Entry<String, String> f : files.entrySet()) {
          Path p = work.resolve(f.getKey()).normalize();
          if (!p.startsWith(work) || p.equals(work)) {
            throw new IllegalArgumentException("a path outside the repository: " + f.getKey());
          }
          Files.createDirectories(java.util.Objects.requireNonNull(p.getParent()));
          Files.writeString(p, f.getValue());
        }
        git.add().addFilepattern(".").call();
        String commit =
            git.commit()
                .setMessage(message)
                .setAuthor("Cairn demo", "demo@cairn.invalid")
                .setCommitter("Cairn demo", "demo@cairn.invalid")
                .setSign(false)
                .call()
                .getName();
        git.push()
            .setRemote(bare.toUri().toString())
            .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
            .call();
        return new String[] {before, commit};
      }
    } catch (GitAPIException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
